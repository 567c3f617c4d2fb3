package dev.softsilhouette.cuda.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an NVIDIA driver can be on this machine at all, asked by both GPU backends before their probes load a
 * native library (JavaCPP's CUDA bindings, or the library search of {@code ffm-cublas}), which costs 70-120 ms even
 * where there is nothing to find. It answers "absent" only on Linux and only when every trace of a driver is missing:
 * no {@code /proc/driver/nvidia}, no {@code /dev/nvidia*} and no {@code /dev/dxg} (WSL), and {@value #DRIVER_SONAME}
 * neither in the dynamic loader's cache ({@code /etc/ld.so.cache}) nor in a library folder the loader or the
 * backends search. Any trace, or anything it cannot read, and the full probe runs as before, so a real GPU is never
 * hidden. Plain Java over a file-system root, so it is tested on a fake tree.
 */
public final class NvidiaDriverCheck {
    /** The driver API library, installed with the NVIDIA driver. */
    public static final String DRIVER_SONAME = "libcuda.so.1";

    /** Library folders of the standard layouts, relative to the root, that the dynamic loader or a driver uses. */
    private static final List<String> SYSTEM_FOLDERS = List.of("lib", "lib64", "usr/lib", "usr/lib64",
            "lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu", "usr/lib/aarch64-linux-gnu",
            "usr/lib/wsl/lib", "usr/local/cuda/compat", "usr/local/nvidia/lib64", "usr/local/nvidia/lib");
    private static final List<String> TOOLKIT_SUBFOLDERS = List.of("lib64", "lib", "targets/x86_64-linux/lib",
            "compat");

    private NvidiaDriverCheck() {
    }

    /**
     * What the check reads from the process, gathered so tests can pass their own.
     *
     * @param osName        the {@code os.name} property (the check answers only for Linux)
     * @param environment   environment variables ({@code LD_LIBRARY_PATH}, {@code CUDA_HOME}, {@code CUDA_PATH})
     * @param extraFolders  further folders a backend searches (e.g. {@code -Dsilhouette.cuda.libdir})
     * @param root          the file-system root the standard paths are resolved against ({@code /} in use)
     */
    public record Environment(String osName, Map<String, String> environment, List<Path> extraFolders, Path root) {
        public Environment {
            Objects.requireNonNull(osName, "osName");
            environment = Map.copyOf(environment);
            extraFolders = List.copyOf(extraFolders);
            Objects.requireNonNull(root, "root");
        }

        /** This process: {@code os.name}, the real environment, {@code /}, and the backend's own folders. */
        public static Environment current(List<Path> extraFolders) {
            return new Environment(System.getProperty("os.name", ""), System.getenv(), extraFolders, Path.of("/"));
        }
    }

    /**
     * Why no NVIDIA driver can be present, or empty when one may be (then the backend's full probe runs).
     */
    public static Optional<String> whyAbsent(Environment env) {
        if (!env.osName().toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty(); // the traces below are Linux's; elsewhere only the full probe can tell
        }
        Path root = env.root();
        if (Files.exists(root.resolve("proc/driver/nvidia")) || Files.exists(root.resolve("dev/dxg"))
                || hasNvidiaDevice(root.resolve("dev"))) {
            return Optional.empty();
        }
        Optional<Boolean> cached = inLoaderCache(root.resolve("etc/ld.so.cache"));
        if (cached.isEmpty() || cached.get()) {
            return Optional.empty(); // listed, or a cache that could not be read: let the loader decide
        }
        List<Path> folders = libraryFolders(env);
        for (Path folder : folders) {
            if (Files.exists(folder.resolve(DRIVER_SONAME))) {
                return Optional.empty();
            }
        }
        List<String> places = new ArrayList<>();
        places.add("the loader cache " + root.resolve("etc/ld.so.cache"));
        folders.forEach(folder -> places.add(folder.toString()));
        // "tried N places: a; b. What to do", as the library search of ffm-cublas words it (the CLI counts them).
        return Optional.of("no NVIDIA driver: /proc/driver/nvidia, /dev/nvidia* and /dev/dxg are absent and "
                + DRIVER_SONAME + " was not found; tried " + places.size() + " places: " + String.join("; ", places)
                + ". Install the NVIDIA driver, or use a CPU backend");
    }

    /** Whether {@code dev} has an entry named {@code nvidia*} (nvidia0, nvidiactl, nvidia-uvm). */
    private static boolean hasNvidiaDevice(Path dev) {
        if (!Files.isDirectory(dev)) {
            return false;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dev, "nvidia*")) {
            return entries.iterator().hasNext();
        } catch (IOException | SecurityException e) {
            return true; // unreadable: assume a device may be there
        }
    }

    /**
     * Whether the loader cache names the driver library: present, absent, or empty when the cache exists but cannot
     * be read. A machine without a cache (musl) answers absent: its loader searches only the folders checked after.
     */
    static Optional<Boolean> inLoaderCache(Path cache) {
        if (!Files.exists(cache)) {
            return Optional.of(false);
        }
        try {
            // The cache stores each soname as a NUL-terminated string; ISO-8859-1 maps every byte to one char.
            String text = new String(Files.readAllBytes(cache), StandardCharsets.ISO_8859_1);
            return Optional.of(text.contains(DRIVER_SONAME + '\0'));
        } catch (IOException | SecurityException | OutOfMemoryError e) {
            return Optional.empty();
        }
    }

    /** The folders to look in, each once, absolute entries only (a relative one would mean the working directory). */
    static List<Path> libraryFolders(Environment env) {
        Set<Path> out = new LinkedHashSet<>();
        String libraryPath = env.environment().get("LD_LIBRARY_PATH");
        if (libraryPath != null) {
            for (String entry : libraryPath.split(File.pathSeparator, -1)) {
                addAbsolute(out, entry.trim());
            }
        }
        for (Path folder : env.extraFolders()) {
            if (folder.isAbsolute()) {
                out.add(folder.normalize());
            }
        }
        for (String variable : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = env.environment().get(variable);
            if (home != null && !home.isBlank() && Path.of(home.trim()).isAbsolute()) {
                for (String sub : TOOLKIT_SUBFOLDERS) {
                    out.add(Path.of(home.trim()).resolve(sub).normalize());
                }
            }
        }
        for (String system : SYSTEM_FOLDERS) {
            out.add(env.root().resolve(system));
        }
        return new ArrayList<>(out);
    }

    private static void addAbsolute(Set<Path> out, String entry) {
        if (entry.isEmpty()) {
            return;
        }
        try {
            Path folder = Path.of(entry);
            if (folder.isAbsolute()) {
                out.add(folder.normalize());
            }
        } catch (InvalidPathException e) {
            // an entry that is no path names no folder
        }
    }
}
