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

    /**
     * The real opener: {@code dlopen} of the companions, then of the file or the soname. A file that is not an ELF
     * object (a linker script named {@code .so}, an empty placeholder) is refused before {@code dlopen} sees it.
     */
    public static final Opener DLOPEN = (candidate, companions) -> {
        if (candidate.file() != null) {
            requireElf(candidate.file());
        }
        for (Path companion : companions) {
            requireElf(companion);
            SymbolLookup.libraryLookup(companion, Arena.global());
        }
        return candidate.file() == null
                ? SymbolLookup.libraryLookup(candidate.soname(), Arena.global())
                : SymbolLookup.libraryLookup(candidate.file(), Arena.global());
    };

    /**
     * One place tried.
     *
     * @param candidate the place
     * @param outcome   {@code absent}, {@code loaded}, or the loader's error
     */
    public record Attempt(LibraryDiscovery.Candidate candidate, String outcome) {
        /** For messages. */
        public String describe() {
            return candidate.describe() + ": " + outcome;
        }
    }

    /**
     * The outcome of one load.
     *
     * @param spec     what was looked for
     * @param loaded   the library, when one opened
     * @param attempts every place tried, each with its outcome, in order
     * @param ignored  property entries that were not used
     */
    public record Result(LibraryDiscovery.Spec spec, Optional<LoadedLibrary> loaded, List<Attempt> attempts,
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
            sb.append(String.join("; ", grouped(attempts)));
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

    /**
     * The attempts for a message: consecutive ones from the same folder, source and outcome share one entry
     * ({@code /usr/local/cuda/lib64/{libcublas.so.13, libcublas.so.12} (install folder): absent}).
     */
    static List<String> grouped(List<Attempt> attempts) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < attempts.size()) {
            Attempt first = attempts.get(i);
            Path file = first.candidate().file();
            int j = i + 1;
            List<String> names = new ArrayList<>(List.of(first.candidate().soname()));
            while (file != null && j < attempts.size()) {
                Attempt next = attempts.get(j);
                Path nextFile = next.candidate().file();
                if (nextFile == null || !nextFile.getParent().equals(file.getParent())
                        || next.candidate().source() != first.candidate().source()
                        || !next.outcome().equals(first.outcome())) {
                    break;
                }
                names.add(next.candidate().soname());
                j++;
            }
            if (names.size() == 1) {
                out.add(first.describe());
            } else {
                out.add(file.getParent() + "/{" + String.join(", ", names) + "} (" + first.candidate().source().label()
                        + "): " + first.outcome());
            }
            i = j;
        }
        return out;
    }

    /** Tries the candidates in order with {@code opener}. */
    public static Result load(LibraryDiscovery.Spec spec, LibraryDiscovery.Discovery discovery, Opener opener) {
        List<Attempt> attempts = new ArrayList<>();
        for (LibraryDiscovery.Candidate candidate : discovery.candidates()) {
            Path file = candidate.file();
            if (file != null && !Files.isRegularFile(file)) {
                attempts.add(new Attempt(candidate, "absent"));
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
                attempts.add(new Attempt(candidate, "loaded"));
                return new Result(spec, Optional.of(new LoadedLibrary(lookup, candidate)), attempts,
                        discovery.ignored());
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                attempts.add(new Attempt(candidate, oneLine(e.getMessage())));
            }
        }
        return new Result(spec, Optional.empty(), attempts, discovery.ignored());
    }

    /** Throws {@link IllegalArgumentException} unless {@code file} starts with the ELF magic number. */
    static void requireElf(Path file) {
        byte[] head = new byte[4];
        int read;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, 4);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (read < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
            throw new IllegalArgumentException("not an ELF shared object");
        }
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
