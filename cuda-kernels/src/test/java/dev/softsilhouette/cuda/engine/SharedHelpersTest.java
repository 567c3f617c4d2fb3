package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedHelpersTest {

    @Test
    void theScaleIsThePowerOfTwoBringingTheLargestIntoOneToTwo() {
        for (double largest : new double[] {1e-20, 3e-7, 0.75, 1.0, 1.5, 2.0, 1e6, 1e18, Float.MAX_VALUE,
                Float.MIN_VALUE}) {
            double scale = PowerOfTwoScale.of(largest);
            assertEquals(scale, Math.scalb(1.0, Math.getExponent(scale)), "power of two");
            assertTrue(largest * scale >= 1.0 && largest * scale < 2.0, largest + " scaled to " + largest * scale);
        }
        assertEquals(1.0, PowerOfTwoScale.of(0.0));
        assertEquals(1.0, PowerOfTwoScale.of(Double.POSITIVE_INFINITY));
        assertEquals(1.0, PowerOfTwoScale.of(Double.NaN));
    }

    @Test
    void columnChunksCoverEveryRowOnceWithinTheGridPlan() {
        for (int n : new int[] {1, 63, 64, 65, 1000, 16_384, 16_385, 1_000_000}) {
            int rows = ColumnStatistics.chunkRows(n);
            int chunks = ColumnStatistics.chunks(n);
            assertTrue(rows >= ColumnStatistics.MIN_CHUNK_ROWS && chunks <= ColumnStatistics.MAX_CHUNKS, "n=" + n);
            assertTrue((long) chunks * rows >= n && (long) (chunks - 1) * rows < n, "no empty chunk at n=" + n);
            assertEquals((long) chunks * 3 * 7 * Double.BYTES, ColumnStatistics.partialBytes(n, 7));
        }
        assertEquals(1, ColumnStatistics.columnBlocks(1));
        assertEquals(4, ColumnStatistics.columnBlocks(512));
        assertEquals(5, ColumnStatistics.columnBlocks(513));
        java.lang.foreign.MemorySegment spreads = java.lang.foreign.MemorySegment.ofArray(new double[] {0.5, 3.0, 2.9});
        assertEquals(0.5, ColumnStatistics.scale(spreads, 3), "3.0 * 0.5 lies in [1, 2)");
        assertEquals(2.0, ColumnStatistics.scale(spreads, 1), "only the first spread: 0.5 * 2");
    }

    @Test
    void theDeviceOrdinalDefaultsToZeroAndRejectsNonsenseByName() {
        assertEquals(0, DeviceOrdinal.parse(null));
        assertEquals(0, DeviceOrdinal.parse(" "));
        assertEquals(3, DeviceOrdinal.parse(" 3 "));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> DeviceOrdinal.parse("-1"));
        assertTrue(negative.getMessage().startsWith(DeviceOrdinal.PROPERTY));
        assertThrows(IllegalArgumentException.class, () -> DeviceOrdinal.parse("gpu0"));
    }

    @Test
    void aRejectedImageIsCompiledAgainOnceThenTheFailureIsThrown(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        KernelImageCache cache = new KernelImageCache(dir);
        NvrtcProgramKey key = new NvrtcProgramKey("src", java.util.List.of(), 9, 0, 13000);
        int[] compilations = {0};
        int[] loads = {0};
        String module = cache.load(key, k -> new byte[] {(byte) ++compilations[0]}, image -> {
            loads[0]++;
            if (image[0] == 1) {
                throw new IllegalStateException("CUDA_ERROR_INVALID_IMAGE");
            }
            return "module of image " + image[0];
        });
        assertEquals("module of image 2", module);
        assertEquals(2, compilations[0]);
        assertEquals(2, loads[0]);
        assertEquals("module of image 2", cache.load(key, k -> new byte[] {99}, image -> "module of image " + image[0]),
                "the good image is cached");
        assertThrows(IllegalStateException.class, () -> cache.load(new NvrtcProgramKey("other", java.util.List.of(),
                9, 0, 13000), k -> new byte[] {1}, image -> {
                    throw new IllegalStateException("always rejected");
                }));
    }

    @Test
    void tauMovesWithTheScaledDistances() {
        assertEquals(0.5 * 4.0, PowerOfTwoScale.tau(dev.softsilhouette.Metric.EUCLIDEAN, 0.5, 4.0));
        assertEquals(0.5 * 16.0, PowerOfTwoScale.tau(dev.softsilhouette.Metric.SQUARED_EUCLIDEAN, 0.5, 4.0));
        assertEquals(0.5, PowerOfTwoScale.tau(dev.softsilhouette.Metric.COSINE, 0.5, 4.0), "cosine sums are unscaled");
    }

    @Test
    void sortedSilhouettesGoBackToTheCallersRowsAndAreSummedInItsOrder() {
        // class-sorted s_p; caller row i sits at sorted position positions[i]
        java.lang.foreign.MemorySegment sorted = java.lang.foreign.MemorySegment.ofArray(
                new double[] {0.25, -0.5, 1e16, -1e16});
        int[] positions = {2, 0, 3, 1};
        java.lang.foreign.MemorySegment out = java.lang.foreign.MemorySegment.ofArray(new float[4]);
        double total = SortedSilhouettes.writeBack(sorted, positions, out);
        assertEquals(1e16f, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0));
        assertEquals(0.25f, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 1));
        assertEquals(-1e16f, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 2));
        assertEquals(-0.5f, out.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, 3));
        // caller order: ((1e16 + 0.25) - 1e16) - 0.5 = -0.5 (0.25 is lost next to 1e16); sorted order would give 0.0
        assertEquals(-0.5, total);
        assertEquals(-0.5, SortedSilhouettes.writeBack(sorted, positions, null), "the sum without an output");
    }

    @Test
    void theOrdinalMustNameAVisibleDevice() {
        assertEquals(null, DeviceOrdinal.refusal(0, 1));
        assertEquals(null, DeviceOrdinal.refusal(3, 4));
        String beyond = DeviceOrdinal.refusal(2, 2);
        assertTrue(beyond.startsWith(DeviceOrdinal.PROPERTY + "=2 but 2 device(s)") && beyond.endsWith("use 0..1"),
                beyond);
        assertTrue(DeviceOrdinal.refusal(0, 0).contains("no device"));
    }

    @Test
    void cudaVersionsAreMajorTimesThousandPlusMinorTimesTen() {
        assertEquals(13000, CudaVersion.of(13, 0));
        assertEquals(12080, CudaVersion.of(12, 8));
        assertEquals("13.0", CudaVersion.text(13000));
        assertEquals("12.8", CudaVersion.text(12080));
        assertEquals("11.2", CudaVersion.text(11020));
    }
}
