package dev.softsilhouette.ffm.nativelib;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Where a CUDA library is looked for, in this order (the first that loads wins):
 * <ol>
 *   <li>each folder of the system property {@value #LIBDIR_PROPERTY} (a path list, {@link File#pathSeparator});
 *       relative entries are ignored, so the working directory is never searched;</li>
 *   <li>{@code $CUDA_HOME} then {@code $CUDA_PATH}: {@code lib64}, {@code lib}, {@code targets/x86_64-linux/lib};</li>
 *   <li>the dynamic loader by soname ({@code dlopen}: {@code LD_LIBRARY_PATH}, the {@code ld.so} cache, the
 *       system folders);</li>
 *   <li>the usual install folders: {@code /usr/local/cuda}, {@code /usr/local/cuda-*} (newest first),
 *       {@code /opt/cuda} ({@code lib64}, {@code targets/x86_64-linux/lib}), then {@code /usr/lib/x86_64-linux-gnu},
 *       {@code /usr/lib64}, {@code /usr/lib/wsl/lib};</li>
 *   <li>the NVIDIA Python wheels ({@code nvidia-cublas}, {@code nvidia-cuda-nvrtc}, as PyTorch installs them) in the
 *       site-packages of {@code $VIRTUAL_ENV}, {@code $CONDA_PREFIX}, {@code ~/.local},
 *       {@code /usr/local/lib/python3*}, {@code /usr/lib/python3*} and {@code /opt/conda}:
 *       {@code nvidia/<package>/lib}.</li>
 * </ol>
 * Within a place, newer sonames come first. Plain Java over a file-system root, so it is tested on a fake tree.
 */
public final class LibraryDiscovery {
    /** System property: folders searched first, a path list. */
    public static final String LIBDIR_PROPERTY = "silhouette.cuda.libdir";

    private static final List<String> HOME_SUBFOLDERS = List.of("lib64", "lib", "targets/x86_64-linux/lib");
    private static final List<String> SYSTEM_FOLDERS = List.of("usr/lib/x86_64-linux-gnu", "usr/lib64",
            "usr/lib/wsl/lib");

    private LibraryDiscovery() {
    }

    /**
     * One library to find.
     *
     * @param name          for messages, e.g. {@code cuBLAS}
     * @param sonames       file names, newest first, e.g. {@code libcublas.so.13, libcublas.so.12}
     * @param wheelPackages folders under {@code site-packages/nvidia/} that hold it in the Python wheels
     *                      (empty for the driver, which no wheel ships)
     * @param companions    per soname, libraries of the same folder to load first (cuBLAS needs cuBLASLt)
     */
    public record Spec(String name, List<String> sonames, List<String> wheelPackages,
                       Map<String, List<String>> companions) {
        public Spec {
            Objects.requireNonNull(name, "name");
            sonames = List.copyOf(sonames);
            wheelPackages = List.copyOf(wheelPackages);
            companions = Map.copyOf(companions);
            if (sonames.isEmpty()) {
                throw new IllegalArgumentException("sonames: empty");
            }
        }
    }

    /** Where a candidate comes from. */
    public enum Source {
        PROPERTY("-D" + LIBDIR_PROPERTY), CUDA_HOME("$CUDA_HOME"), CUDA_PATH("$CUDA_PATH"),
        LOADER("dynamic loader"), INSTALL_FOLDER("install folder"), PYTHON_WHEEL("Python wheel");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One place to try: a file ({@code file} set) or a soname handed to the dynamic loader ({@code file} null).
     *
     * @param source where the place comes from
     * @param soname the library's file name
     * @param file   the absolute file, or null for a loader lookup by soname
     */
    public record Candidate(Source source, String soname, Path file) {
        public Candidate {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(soname, "soname");
            if (file != null && !file.isAbsolute()) {
                throw new IllegalArgumentException("file: not absolute: " + file);
            }
            if ((file == null) != (source == Source.LOADER)) {
                throw new IllegalArgumentException("a loader candidate has no file, every other one has one");
            }
        }

        /** For messages: {@code /usr/local/cuda/lib64/libcublas.so.13 ($CUDA_HOME)}. */
        public String describe() {
            return (file == null ? soname + " by soname" : file.toString()) + " (" + source.label() + ")";
        }
    }

    /**
     * What discovery reads from the process, gathered so tests can pass their own.
     *
     * @param libdirProperty value of {@value #LIBDIR_PROPERTY}, or null
     * @param environment    environment variables ({@code CUDA_HOME}, {@code CUDA_PATH}, {@code VIRTUAL_ENV},
     *                       {@code CONDA_PREFIX})
     * @param userHome       the user's home folder, or null
     * @param root           the file-system root the standard folders are resolved against ({@code /} in use)
     */
    public record Environment(String libdirProperty, Map<String, String> environment, Path userHome, Path root) {
        public Environment {
            environment = Map.copyOf(environment);
            Objects.requireNonNull(root, "root");
        }

        /** This process: the system property, the real environment, {@code user.home}, {@code /}. */
        public static Environment current() {
            String home = System.getProperty("user.home");
            return new Environment(System.getProperty(LIBDIR_PROPERTY), System.getenv(),
                    home == null || home.isBlank() ? null : Path.of(home), Path.of("/"));
        }
    }

    /**
     * The candidates, in order, and the property entries that were ignored.
     *
     * @param candidates places to try, first first
     * @param ignored    property entries not used, each with why
     */
    public record Discovery(List<Candidate> candidates, List<String> ignored) {
        public Discovery {
            candidates = List.copyOf(candidates);
            ignored = List.copyOf(ignored);
        }
    }

    /** Every place to look for {@code spec}, in the documented order. Touches the file system only to list folders. */
    public static Discovery discover(Spec spec, Environment env) {
        List<Candidate> out = new ArrayList<>();
        List<String> ignored = new ArrayList<>();

        for (String entry : propertyEntries(env.libdirProperty())) {
            Path dir = Path.of(entry);
            if (!dir.isAbsolute()) {
                ignored.add(LIBDIR_PROPERTY + " entry '" + entry
                        + "' ignored: relative (the working directory is never searched); give an absolute path");
                continue;
            }
            addFiles(out, Source.PROPERTY, spec, dir);
        }
        addHome(out, Source.CUDA_HOME, spec, env.environment().get("CUDA_HOME"));
        addHome(out, Source.CUDA_PATH, spec, env.environment().get("CUDA_PATH"));
        for (String soname : spec.sonames()) {
            out.add(new Candidate(Source.LOADER, soname, null));
        }
        for (Path dir : installFolders(env.root())) {
            addFiles(out, Source.INSTALL_FOLDER, spec, dir);
        }
        if (!spec.wheelPackages().isEmpty()) {
            for (Path sitePackages : sitePackages(env)) {
                for (String pkg : spec.wheelPackages()) {
                    addFiles(out, Source.PYTHON_WHEEL, spec, sitePackages.resolve("nvidia").resolve(pkg).resolve("lib"));
                }
            }
        }
        return new Discovery(distinct(out), ignored);
    }

    /** The folders {@value #LIBDIR_PROPERTY} names ({@code value} may be null): its absolute entries, in order. */
    public static List<Path> propertyFolders(String value) {
        return propertyEntries(value).stream().map(Path::of).filter(Path::isAbsolute).toList();
    }

    /** The non-empty entries of a path list (an empty one would mean the working directory in some conventions). */
    private static List<String> propertyEntries(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String entry : value.split(File.pathSeparator, -1)) {
            if (!entry.isBlank()) {
                out.add(entry.trim());
            }
        }
        return out;
    }

    private static void addHome(List<Candidate> out, Source source, Spec spec, String home) {
        if (home == null || home.isBlank()) {
            return;
        }
        Path dir = Path.of(home.trim());
        if (!dir.isAbsolute()) {
            return; // a relative CUDA_HOME would resolve against the working directory
        }
        for (String sub : HOME_SUBFOLDERS) {
            addFiles(out, source, spec, dir.resolve(sub));
        }
    }

    private static void addFiles(List<Candidate> out, Source source, Spec spec, Path dir) {
        for (String soname : spec.sonames()) {
            out.add(new Candidate(source, soname, dir.resolve(soname).normalize()));
        }
    }

    /** The usual CUDA install folders and the system library folders, under {@code root}. */
    static List<Path> installFolders(Path root) {
        List<Path> toolkits = new ArrayList<>();
        toolkits.add(root.resolve("usr/local/cuda"));
        toolkits.addAll(versionedChildren(root.resolve("usr/local"), "cuda-"));
        toolkits.add(root.resolve("opt/cuda"));
        List<Path> out = new ArrayList<>();
        for (Path toolkit : toolkits) {
            out.add(toolkit.resolve("lib64"));
            out.add(toolkit.resolve("targets/x86_64-linux/lib"));
        }
        for (String system : SYSTEM_FOLDERS) {
            out.add(root.resolve(system));
        }
        return out;
    }

    /** site-packages folders that may hold the {@code nvidia-*} wheels, in search order. */
    static List<Path> sitePackages(Environment env) {
        List<Path> prefixes = new ArrayList<>();
        for (String variable : List.of("VIRTUAL_ENV", "CONDA_PREFIX")) {
            String value = env.environment().get(variable);
            if (value != null && !value.isBlank() && Path.of(value.trim()).isAbsolute()) {
                prefixes.add(Path.of(value.trim()));
            }
        }
        if (env.userHome() != null && env.userHome().isAbsolute()) {
            prefixes.add(env.userHome().resolve(".local"));
        }
        prefixes.add(env.root().resolve("usr/local"));
        prefixes.add(env.root().resolve("usr"));
        prefixes.add(env.root().resolve("opt/conda"));
        List<Path> out = new ArrayList<>();
        for (Path prefix : prefixes) {
            for (Path python : versionedChildren(prefix.resolve("lib"), "python3")) {
                out.add(python.resolve("site-packages"));
                out.add(python.resolve("dist-packages"));
            }
        }
        return out;
    }

    /** Children of {@code dir} whose name starts with {@code prefix}, highest version first (numeric compare). */
    static List<Path> versionedChildren(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString().substring(prefix.length()),
                            LibraryDiscovery::compareVersions).reversed().thenComparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Compares dotted versions numerically where both parts are numbers ({@code 12.10 > 12.9}). */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c;
            if (x[i].matches("\\d{1,9}") && y[i].matches("\\d{1,9}")) {
                c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            } else {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static List<Candidate> distinct(List<Candidate> candidates) {
        List<Candidate> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Candidate c : candidates) {
            String key = c.file() == null ? "soname:" + c.soname() : c.file().toString();
            if (seen.add(key)) {
                out.add(c);
            }
        }
        return out;
    }
}
