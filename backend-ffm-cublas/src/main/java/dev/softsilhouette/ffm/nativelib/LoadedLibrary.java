package dev.softsilhouette.ffm.nativelib;

import java.lang.foreign.SymbolLookup;

/**
 * A native library that loaded: its symbols and where it came from.
 *
 * @param lookup the library's symbols
 * @param from   the place it was loaded from
 */
public record LoadedLibrary(SymbolLookup lookup, LibraryDiscovery.Candidate from) {
    /** For messages: the soname and the place. */
    public String describe() {
        return from.describe();
    }
}
