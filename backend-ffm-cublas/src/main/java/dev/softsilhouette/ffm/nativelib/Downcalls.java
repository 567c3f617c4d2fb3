package dev.softsilhouette.ffm.nativelib;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The one linker helper: binds a {@link NativeFunction} in a loaded library and converts what comes back.
 * A missing symbol is a {@link LinkageError} naming it and the library.
 */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    /** Longest C string read back from a native {@code const char*} (error names and messages are short). */
    private static final long MAX_C_STRING = 1 << 16;

    private Downcalls() {
    }

    /** A downcall handle for {@code function}, found in {@code library}. */
    public static MethodHandle bind(LoadedLibrary library, NativeFunction function) {
        SymbolLookup lookup = library.lookup();
        MemorySegment address = lookup.find(function.symbol()).orElseThrow(() -> new LinkageError(
                "symbol " + function.symbol() + " (" + function.apiName() + ") not found in " + library.describe()
                        + "; the library is too old or not the expected one"));
        return LINKER.downcallHandle(address, function.descriptor());
    }

    /** The NUL-terminated string at {@code pointer}, or {@code fallback} when the pointer is NULL. */
    public static String cString(MemorySegment pointer, String fallback) {
        if (pointer == null || pointer.address() == 0L) {
            return fallback;
        }
        return pointer.reinterpret(MAX_C_STRING).getString(0);
    }

    /**
     * What to throw when {@code invokeExact} itself threw: downcalls only throw unchecked exceptions and errors, so
     * these pass through; anything else is a bug wrapped with the function's name.
     */
    public static RuntimeException rethrow(String function, Throwable thrown) {
        if (thrown instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException("downcall " + function + " threw " + thrown, thrown);
    }
}
