package dev.softsilhouette.ffm.nativelib;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads the first candidate of a {@link LibraryDiscovery.Discovery} that opens, and remembers every attempt so that a
 * failure says where it looked. Libraries stay loaded for the life of the JVM (the global arena), as
 * {@code System.loadLibrary} would.
 */
public final class LibraryLoader {

    /**
     * Opens one candidate, after the companions found next to it; throws {@link IllegalArgumentException} (as
     * {@link SymbolLookup#libraryLookup}) when it cannot.
     */
    @FunctionalInterface
    public interface Opener {
        SymbolLookup open(LibraryDiscovery.Candidate candidate, List<Path> companions);
    }

    /** The real opener: {@code dlopen} of the companions, then of the file or the soname. */
    public static final Opener DLOPEN = (candidate, companions) -> {
        for (Path companion : companions) {
            SymbolLookup.libraryLookup(companion, Arena.global());
        }
        return candidate.file() == null
                ? SymbolLookup.libraryLookup(candidate.soname(), Arena.global())
                : SymbolLookup.libraryLookup(candidate.file(), Arena.global());
    };

    /**
     * The outcome of one load.
     *
     * @param spec     what was looked for
     * @param loaded   the library, when one opened
     * @param attempts every place tried, each with its outcome, in order
     * @param ignored  property entries that were not used
     */
    public record Result(LibraryDiscovery.Spec spec, Optional<LoadedLibrary> loaded, List<String> attempts,
                         List<String> ignored) {
        public Result {
            attempts = List.copyOf(attempts);
            ignored = List.copyOf(ignored);
        }

        /** The library, or an {@link IllegalStateException} whose message lists every place tried. */
        public LoadedLibrary require() {
            return loaded.orElseThrow(() -> new IllegalStateException(failureMessage()));
        }

        /** Why nothing loaded: every place tried with its outcome, and the ignored property entries. */
        public String failureMessage() {
            StringBuilder sb = new StringBuilder();
            sb.append(spec.name()).append(" (").append(String.join(", ", spec.sonames()))
                    .append(") could not be loaded; tried ").append(attempts.size()).append(" places: ");
            sb.append(String.join("; ", attempts));
            for (String note : ignored) {
                sb.append("; ").append(note);
            }
            sb.append(". Install it or point -D").append(LibraryDiscovery.LIBDIR_PROPERTY)
                    .append(" (or CUDA_HOME) at the folder that holds it");
            return sb.toString();
        }
    }

    private LibraryLoader() {
    }

    /** Tries the candidates in order with {@code opener}. */
    public static Result load(LibraryDiscovery.Spec spec, LibraryDiscovery.Discovery discovery, Opener opener) {
        List<String> attempts = new ArrayList<>();
        for (LibraryDiscovery.Candidate candidate : discovery.candidates()) {
            Path file = candidate.file();
            if (file != null && !Files.isRegularFile(file)) {
                attempts.add(candidate.describe() + ": absent");
                continue;
            }
            List<Path> companions = new ArrayList<>();
            if (file != null) {
                for (String name : spec.companions().getOrDefault(candidate.soname(), List.of())) {
                    companion(file.getParent(), name).ifPresent(companions::add);
                }
            }
            try {
                SymbolLookup lookup = opener.open(candidate, companions);
                attempts.add(candidate.describe() + ": loaded");
                return new Result(spec, Optional.of(new LoadedLibrary(lookup, candidate)), attempts,
                        discovery.ignored());
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                attempts.add(candidate.describe() + ": " + oneLine(e.getMessage()));
            }
        }
        return new Result(spec, Optional.empty(), attempts, discovery.ignored());
    }

    /**
     * {@code folder/name}, or else the newest {@code folder/name.*} ({@code libnvrtc-builtins.so.13} finds
     * {@code libnvrtc-builtins.so.13.3}): libraries that their parent opens by a name the loader would not find.
     */
    static Optional<Path> companion(Path folder, String name) {
        Path exact = folder.resolve(name);
        if (Files.isRegularFile(exact)) {
            return Optional.of(exact);
        }
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        try (java.util.stream.Stream<Path> children = Files.list(folder)) {
            return children.filter(p -> p.getFileName().toString().startsWith(name + ".") && Files.isRegularFile(p))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString().substring(name.length() + 1),
                            LibraryDiscovery::compareVersions));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }

    private static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "failed";
        }
        return message.replace('\n', ' ').trim();
    }
}
