package dev.softsilhouette.cuda.plan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LaunchGeometryTest {

    @Test
    void blocksCoverAwkwardCounts() {
        assertEquals(1, LaunchGeometry.blocksFor(1, 128));
        assertEquals(1, LaunchGeometry.blocksFor(128, 128));
        assertEquals(2, LaunchGeometry.blocksFor(129, 128));
        assertEquals(129, LaunchGeometry.blocksFor(16385, 128));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.blocksFor(1L << 40, 1));
    }

    @Test
    void gridStrideIsCapped() {
        assertEquals(1, LaunchGeometry.strideBlocks(1, 256));
        assertEquals(64_000, LaunchGeometry.strideBlocks(16_384_000L, 256));
        assertEquals(LaunchGeometry.MAX_STRIDE_BLOCKS, LaunchGeometry.strideBlocks(16384L * 16384, 256));
    }

    @Test
    void gemmGridIsColumnsByRowsAndRespectsTheYLimit() {
        assertArrayEquals(new int[] {63, 1024}, LaunchGeometry.gemmGrid(16384, 1000));
        assertArrayEquals(new int[] {1, 1}, LaunchGeometry.gemmGrid(1, 1));
        assertArrayEquals(new int[] {2, 2}, LaunchGeometry.gemmGrid(17, 17));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.gemmGrid(65_535 * 16 + 1, 3));
    }

    @Test
    void classSumGridIsClassesByColumnChunks() {
        assertArrayEquals(new int[] {1000, 4}, LaunchGeometry.classSumGrid(1000, 512));
        assertArrayEquals(new int[] {3, 1}, LaunchGeometry.classSumGrid(3, 1));
        assertArrayEquals(new int[] {3, 2}, LaunchGeometry.classSumGrid(3, 129));
    }
}
