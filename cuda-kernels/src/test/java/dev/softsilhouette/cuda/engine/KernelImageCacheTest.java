package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelImageCacheTest {

    @Test
    void compilesOncePerKeyAndTheNextProcessReadsTheDisk(@TempDir Path dir) {
        AtomicInteger compilations = new AtomicInteger();
        KernelImageCache first = new KernelImageCache(dir);
        byte[] image = {1, 2, 3};
        assertArrayEquals(image, first.get("k1", () -> { compilations.incrementAndGet(); return image; }));
        assertArrayEquals(image, first.get("k1", () -> { compilations.incrementAndGet(); return new byte[0]; }));
        assertEquals(1, compilations.get());
        assertTrue(Files.isRegularFile(dir.resolve("k1.cubin")));

        KernelImageCache next = new KernelImageCache(dir); // a new JVM: empty memory, same directory
        assertArrayEquals(image, next.get("k1", () -> { compilations.incrementAndGet(); return new byte[0]; }));
        assertEquals(1, compilations.get());
    }

    @Test
    void evictionForcesARecompilation(@TempDir Path dir) {
        KernelImageCache cache = new KernelImageCache(dir);
        cache.get("k", () -> new byte[] {9});
        cache.evict("k");
        assertFalse(Files.exists(dir.resolve("k.cubin")));
        assertArrayEquals(new byte[] {7}, cache.get("k", () -> new byte[] {7}));
    }

    @Test
    void anUnwritableDirectoryOnlyCostsTheCompileTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        KernelImageCache cache = new KernelImageCache(file.resolve("sub"));
        assertArrayEquals(new byte[] {5}, cache.get("k", () -> new byte[] {5}));
    }

    @Test
    void directoryFollowsThePropertyThenXdgThenHome() {
        assertNull(KernelImageCache.defaultDirectory("none", "/x", "/h"));
        assertEquals(Path.of("/p"), KernelImageCache.defaultDirectory("/p", "/x", "/h"));
        assertEquals(Path.of("/x/soft-silhouette/cuda-kernels"), KernelImageCache.defaultDirectory(null, "/x", "/h"));
        assertEquals(Path.of("/h/.cache/soft-silhouette/cuda-kernels"),
                KernelImageCache.defaultDirectory("", "", "/h"));
        assertNull(KernelImageCache.defaultDirectory(null, null, null));
    }
}
