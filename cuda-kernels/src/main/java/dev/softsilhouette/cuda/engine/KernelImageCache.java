package dev.softsilhouette.cuda.engine;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compiled kernel images (CUBINs) by {@link NvrtcProgramKey#cacheKey()}: in memory for the life of the JVM, and on
 * disk so that the next JVM skips NVRTC. The key covers every input of the compilation, so a stale file is never
 * reused; a file that the driver rejects anyway is evicted and recompiled. Disk use is best effort: an unwritable
 * directory only costs the compile time.
 *
 * <p>Directory: system property {@code silhouette.cuda.kernelCache} ({@code none} disables the disk), else
 * {@code $XDG_CACHE_HOME/soft-silhouette/cuda-kernels}, else {@code ~/.cache/soft-silhouette/cuda-kernels}.
 */
public final class KernelImageCache {
    public static final String PROPERTY = "silhouette.cuda.kernelCache";
    private static final KernelImageCache SHARED = standard();
    private static final System.Logger LOG = System.getLogger("dev.softsilhouette.cuda.engine");

    private final Map<String, byte[]> memory = new ConcurrentHashMap<>();
    private final Path directory;

    KernelImageCache(Path directory) {
        this.directory = directory;
    }

    /** The one cache of this JVM, per the property and environment, shared by both GPU backends. */
    public static KernelImageCache shared() {
        return SHARED;
    }

    /** A cache per the property and environment. */
    static KernelImageCache standard() {
        return new KernelImageCache(defaultDirectory(System.getProperty(PROPERTY), System.getenv("XDG_CACHE_HOME"),
                System.getProperty("user.home")));
    }

    /** The directory for these settings, or null for memory only. */
    static Path defaultDirectory(String property, String xdgCacheHome, String userHome) {
        if (property != null && !property.isBlank()) {
            return property.equals("none") ? null : Path.of(property);
        }
        if (xdgCacheHome != null && !xdgCacheHome.isBlank()) {
            return Path.of(xdgCacheHome, "soft-silhouette", "cuda-kernels");
        }
        if (userHome != null && !userHome.isBlank()) {
            return Path.of(userHome, ".cache", "soft-silhouette", "cuda-kernels");
        }
        return null;
    }

    /**
     * Compile-and-load, the one path of both bindings: the image of {@code key} (memory, disk, or {@code compile}),
     * handed to {@code load} (the driver's module load); an image the driver rejects (a damaged file) is evicted and
     * compiled afresh once, and that second load's failure is thrown.
     *
     * @param <M> the loaded module
     */
    public <M> M load(NvrtcProgramKey key, Function<NvrtcProgramKey, byte[]> compile, Function<byte[], M> load) {
        String cacheKey = key.cacheKey();
        try {
            return load.apply(get(cacheKey, () -> compile.apply(key)));
        } catch (RuntimeException rejected) {
            evict(cacheKey);
            LOG.log(Level.DEBUG, "the driver rejected the kernel image {0}; compiling it again: {1}", cacheKey,
                    rejected);
            return load.apply(get(cacheKey, () -> compile.apply(key)));
        }
    }

    /** The image for {@code key}: from memory, else from disk, else {@code compile} (then stored in both). */
    byte[] get(String key, Supplier<byte[]> compile) {
        return memory.computeIfAbsent(key, k -> {
            byte[] image = read(k);
            if (image == null) {
                image = compile.get();
                write(k, image);
            }
            return image;
        });
    }

    /** Forgets {@code key} in memory and on disk (an image the driver rejected). */
    void evict(String key) {
        memory.remove(key);
        if (directory != null) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "could not delete cached kernel image {0}: {1}", file(key), e);
            }
        }
    }

    Path directory() {
        return directory;
    }

    private Path file(String key) {
        return directory.resolve(key + ".cubin");
    }

    private byte[] read(String key) {
        if (directory == null) {
            return null;
        }
        Path f = file(key);
        try {
            return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not read cached kernel image {0}: {1}", f, e);
            return null;
        }
    }

    private void write(String key, byte[] image) {
        if (directory == null) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Path tmp = Files.createTempFile(directory, key, ".tmp");
            Files.write(tmp, image);
            try {
                Files.move(tmp, file(key), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file(key), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | SecurityException e) {
            LOG.log(Level.DEBUG, "could not cache kernel image in {0}: {1}", directory, e);
        }
    }
}
