package dev.softsilhouette.cuda.engine.fused;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LaunchGeometryTest {

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
