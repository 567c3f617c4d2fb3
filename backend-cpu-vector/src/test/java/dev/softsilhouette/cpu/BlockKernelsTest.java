package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The block kernels against the plain float64 defaults ({@link BlockMath}) (the Euclidean tiles, float32 distances
 * with float64 sums, to 1e-6 relative), bit-identical from call to call, and allocation-free once compiled. Shapes
 * cover the 4- and 6-row groups and their remainders, D below and above a vector, tiles of several column strips
 * (diagonal tiles whose strips cross the diagonal).
 */
class BlockKernelsTest {
    private static final int K = 7;

    private static PreparedBlock block(int rows, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] y = Batches.labels(rows, Math.min(K, rows), random);
        float[] x = Batches.embeddings(rows, d, y, 1.0, 3.0, random);
        int[] classes = Arrays.stream(y).map(label -> (label - 3) / 7).toArray(); // Batches labels are 7c + 3
        return new PreparedBlock(MemorySegment.ofArray(x), rows, d, classes, K);
    }

    private static ClassTable statistics(PreparedBlock block, Metric metric, double[] shift,
                                         java.util.function.BiConsumer<PreparedBlock, ClassTable> add) {
        int d = block.dims();
        int[] offsets = new int[K + 1];
        int[] counts = new int[K];
        for (int i = 0; i < block.rows(); i++) {
            counts[block.classes()[i]]++;
        }
        for (int k = 0; k < K; k++) {
            offsets[k + 1] = offsets[k] + counts[k];
        }
        ClassTable table = new ClassTable(K, d, shift, offsets, new double[K * d], new double[K], new double[K]);
        add.accept(block, table);
        return table;
    }

    @Test
    void euclideanSumsEqualThePlainFloat64Sums() {
        CpuVectorBackend backend = new CpuVectorBackend(1);
        for (int[] shape : new int[][]{{1, 1, 1}, {5, 3, 9}, {37, 17, 64}, {70, 64, 3}, {9, 65, 130},
                {13, 250, 5}, {431, 7, 33}, {200, 409, 20}}) {
            PreparedBlock rows = block(shape[0], shape[2], shape[0]);
            PreparedBlock columns = block(shape[1], shape[2], 100 + shape[1]);
            double[] rowSums = new double[shape[0] * K];
            double[] columnSums = new double[shape[1] * K];
            double[] expectedRows = new double[shape[0] * K];
            double[] expectedColumns = new double[shape[1] * K];
            backend.addEuclideanSums(rows, columns, rowSums, columnSums);
            BlockMath.addEuclideanSums(rows, columns, expectedRows, expectedColumns);
            assertCloseRelative(expectedRows, rowSums, Arrays.toString(shape) + " row sums");
            assertCloseRelative(expectedColumns, columnSums, Arrays.toString(shape) + " column sums");

            double[] within = new double[shape[0] * K];
            double[] expectedWithin = new double[shape[0] * K];
            backend.addEuclideanSumsWithin(rows, within);
            BlockMath.addEuclideanSumsWithin(rows, expectedWithin);
            assertCloseRelative(expectedWithin, within, Arrays.toString(shape) + " sums within");
        }
    }

    @Test
    void classStatisticsAndSilhouettesEqualThePlainFloat64Ones() {
        CpuVectorBackend backend = new CpuVectorBackend(1);
        for (Metric metric : new Metric[]{Metric.SQUARED_EUCLIDEAN, Metric.COSINE}) {
            for (int[] shape : new int[][]{{40, 1}, {61, 8}, {100, 33}}) {
                PreparedBlock block = block(shape[0], shape[1], shape[0] * 31L);
                double[] shift = new double[shape[1]];
                Arrays.fill(shift, 2.5);
                ClassTable actual = statistics(block, metric, shift,
                        (b, t) -> backend.addClassStatistics(b, metric, t));
                ClassTable expected = statistics(block, metric, shift,
                        (b, t) -> BlockMath.addClassStatistics(b, metric, t));
                String what = metric + " " + Arrays.toString(shape);
                assertClose(expected.sums(), actual.sums(), what + " S_k");
                assertClose(expected.squaredNorms(), actual.squaredNorms(), what + " Q_k");
                float[] s = new float[shape[0]];
                float[] sExpected = new float[shape[0]];
                double total = backend.blockSilhouettes(block, metric, 0.0, expected, MemorySegment.ofArray(s));
                double totalExpected = BlockMath.blockSilhouettes(block, metric, 0.0, expected,
                        MemorySegment.ofArray(sExpected));
                assertEquals(totalExpected, total, 1e-9, what + " sum of s_i");
                for (int i = 0; i < s.length; i++) {
                    assertEquals(sExpected[i], s[i], 1e-6, what + " s[" + i + "]");
                }
                assertEquals(total, backend.blockSilhouettes(block, metric, 0.0, expected, null),
                        what + ": the same bits on the next call");
            }
        }
    }

    @Test
    void repeatedCallsAreBitIdenticalAndAllocateNothingOnceCompiled() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        CpuVectorBackend backend = new CpuVectorBackend(1);
        PreparedBlock rows = block(45, 19, 1);
        PreparedBlock columns = block(38, 19, 2);
        double[] shift = new double[19];
        ClassTable table = statistics(rows, Metric.COSINE, shift,
                (b, t) -> backend.addClassStatistics(b, Metric.COSINE, t));
        double[] rowSums = new double[45 * K];
        double[] columnSums = new double[38 * K];
        double[] firstRows = null;
        long least = Long.MAX_VALUE;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (least > 0 && System.nanoTime() < deadline) {
            Arrays.fill(rowSums, 0.0);
            Arrays.fill(columnSums, 0.0);
            long before = threads.getThreadAllocatedBytes(thread);
            backend.addEuclideanSums(rows, columns, rowSums, columnSums);
            backend.addEuclideanSumsWithin(rows, rowSums);
            backend.addClassStatistics(columns, Metric.COSINE, table);
            backend.blockSilhouettes(rows, Metric.COSINE, 0.0, table, null);
            least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
            if (firstRows == null) {
                firstRows = rowSums.clone();
            } else {
                assertArrayEquals(firstRows, rowSums, "bit-identical sums call after call");
            }
        }
        assertTrue(least == 0, "every call allocated, at least " + least + " bytes");
    }

    /**
     * The Euclidean tiles compute each distance in float32 (a few roundings, about 1e-7 relative) and add them in
     * double: sums of distances (all >= 0) within 1e-6 relative of the float64 ones.
     */
    private static void assertCloseRelative(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * Math.abs(expected[i]), what + "[" + i + "]");
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * Math.max(1.0, Math.abs(expected[i])), what + "[" + i + "]");
        }
    }
}
