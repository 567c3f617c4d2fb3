package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.AssertionFailedError;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link StrategyBackend#blockSilhouettes} (SQUARED_EUCLIDEAN and COSINE rows of the block decomposition), host code
 * and kernel replayed on the Java emulation of {@code class_blocks.cu}, against {@code spi.BlockMath} (the reference
 * backend's default) at SPEC section 12's 1e-6, per row and on the block's sum. The statistics are merged over every
 * block of a batch as the API layer does (counts, shift on the first block's mean, then each block's sums added).
 */
class ClassBlockEmulationTest {
    private static final double TOLERANCE = 1e-6;

    /** How the rows are drawn. */
    enum Data {
        /** Class centres 1.5 apart on each axis plus standard normal noise. */
        GAUSSIAN,
        /** The same plus 30 on every value (the conformance kit's FAR_FROM_ORIGIN). */
        FAR_FROM_ORIGIN,
        /** Every row an exact copy of one of a few rows of its class, 30 from the origin. */
        DUPLICATES,
        /** Most classes a single row. */
        SINGLETONS
    }

    static Stream<Arguments> batches() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{7, 1, 3, 2}, {30, 7, 5, 2}, {60, 16, 8, 5}, {90, 40, 12, 40}, {45, 45, 3, 3}};
        for (Metric metric : new Metric[] {Metric.SQUARED_EUCLIDEAN, Metric.COSINE}) {
            for (double tau : new double[] {0.0, 0.1}) {
                for (Data data : Data.values()) {
                    for (int[] s : shapes) {
                        cases.add(Arguments.of(metric, tau, data, s[0], s[1], s[2], s[3]));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} tau={1} {2}: {3} rows in blocks of {4}, D={5}, K={6}")
    @MethodSource("batches")
    void blockSilhouettesMatchTheReference(Metric metric, double tau, Data data, int n, int blockRows, int dims,
                                           int k) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(n * 1_000L + blockRows * 31L + dims * 7L + k);
            List<PreparedBlock> blocks = blocks(arena, random, data, n, blockRows, dims, k);
            ClassTable statistics = statistics(blocks, metric);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                compare(backend, blocks, metric, tau, statistics, arena);
                assertEquals(blocks.size(), port.launches.size(), "one launch per block, on the device");
                assertTrue(port.launches.stream().allMatch("class_block_silhouettes"::equals), "the kernel");
                PreparedBlock first = blocks.getFirst();
                double once = backend.blockSilhouettes(first, metric, tau, statistics, null);
                double again = backend.blockSilhouettes(first, metric, tau, statistics, null);
                assertEquals(Double.doubleToRawLongBits(once), Double.doubleToRawLongBits(again),
                        "the same sum bit for bit on every run");
            }
            assertTrue(port.closed, "the backend closes the block workspace's port");
            assertEquals(0, port.pinnedLive, "and frees its page-locked memory");
        }
    }

    /** The comparison above catches a defect of 1e-5 relative in a row's own-class sum: it can fail. */
    @Test
    void aSmallErrorInTheClassSumsFailsTheComparison() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(3);
            List<PreparedBlock> blocks = blocks(arena, random, Data.GAUSSIAN, 60, 16, 8, 3);
            for (Metric metric : new Metric[] {Metric.SQUARED_EUCLIDEAN, Metric.COSINE}) {
                ClassTable statistics = statistics(blocks, metric);
                BlockKernelEmulator port = new BlockKernelEmulator();
                port.ownSumError = 1e-5;
                try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                    assertThrows(AssertionFailedError.class,
                            () -> compare(backend, blocks, metric, 0.1, statistics, arena), metric.name());
                }
            }
        }
    }

    @Test
    void aMetricWithoutClassStatisticsTakesTheCpuDefaultWithoutDeviceWork() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(9);
            List<PreparedBlock> blocks = blocks(arena, random, Data.GAUSSIAN, 20, 20, 4, 3);
            ClassTable statistics = statistics(blocks, Metric.SQUARED_EUCLIDEAN);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                PreparedBlock block = blocks.getFirst();
                double expected = BlockMath.blockSilhouettes(block, Metric.EUCLIDEAN, 0.0, statistics, null);
                double actual = backend.blockSilhouettes(block, Metric.EUCLIDEAN, 0.0, statistics, null);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(actual));
                assertEquals(List.of(), port.launches, "the CPU default, no device work");
            }
        }
    }

    /**
     * Once warmed on a shape, the host side (class means, staging, the sum and the float32 copies) allocates nothing
     * on the calling thread; what the emulator allocates in its copies and launches stands in for the device and is
     * taken out. The least over repeated calls, so that the JIT has compiled the path.
     */
    @Test
    void repeatedBlocksOfOneShapeAllocateNothingOnceWarmed() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(11);
            List<PreparedBlock> blocks = blocks(arena, random, Data.FAR_FROM_ORIGIN, 80, 40, 12, 5);
            ClassTable statistics = statistics(blocks, Metric.COSINE);
            MemorySegment out = arena.allocate(JAVA_FLOAT, 40);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                double first = Double.NaN;
                long least = Long.MAX_VALUE;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (least > 0 && System.nanoTime() < deadline) {
                    long emulated = port.emulatorBytes;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    double sum = backend.blockSilhouettes(blocks.get(0), Metric.COSINE, 0.1, statistics, out);
                    sum += backend.blockSilhouettes(blocks.get(1), Metric.COSINE, 0.1, statistics, out);
                    long host = threads.getCurrentThreadAllocatedBytes() - before - (port.emulatorBytes - emulated);
                    least = Math.min(least, host);
                    if (Double.isNaN(first)) {
                        first = sum;
                    } else {
                        assertEquals(Double.doubleToRawLongBits(first), Double.doubleToRawLongBits(sum),
                                "bit-identical sums call after call");
                    }
                }
                assertEquals(0, least, "every call allocated on the host, at least this many bytes");
            }
        }
    }

    /** Every block through the backend and through BlockMath: each row's s_i and the block's sum within 1e-6. */
    private static void compare(StrategyBackend<AutoCloseable> backend, List<PreparedBlock> blocks, Metric metric,
                                double tau, ClassTable statistics, Arena arena) {
        for (int b = 0; b < blocks.size(); b++) {
            PreparedBlock block = blocks.get(b);
            MemorySegment expected = arena.allocate(JAVA_FLOAT, block.rows());
            MemorySegment actual = arena.allocate(JAVA_FLOAT, block.rows());
            double expectedSum = BlockMath.blockSilhouettes(block, metric, tau, statistics, expected);
            double actualSum = backend.blockSilhouettes(block, metric, tau, statistics, actual);
            for (int i = 0; i < block.rows(); i++) {
                float e = expected.getAtIndex(JAVA_FLOAT, i);
                float a = actual.getAtIndex(JAVA_FLOAT, i);
                if (!(Math.abs(a - e) <= TOLERANCE)) {
                    fail("block " + b + " row " + i + ": s = " + a + " vs " + e);
                }
            }
            if (!(Math.abs(actualSum - expectedSum) <= TOLERANCE * Math.max(1.0, Math.abs(expectedSum)))) {
                fail("block " + b + " sum " + actualSum + " vs " + expectedSum);
            }
        }
    }

    /**
     * The batch's class statistics as the API layer merges them: counts into the offsets, the shift on the first
     * block's mean (of its rows, or unit rows under COSINE), then every block's sums added.
     */
    private static ClassTable statistics(List<PreparedBlock> blocks, Metric metric) {
        PreparedBlock first = blocks.getFirst();
        int k = first.classCount();
        int d = first.dims();
        int[] offsets = new int[k + 1];
        for (PreparedBlock block : blocks) {
            for (int y : block.classes()) {
                offsets[y + 1]++;
            }
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        double[] shift = new double[d];
        double[] v = new double[d];
        for (int i = 0; i < first.rows(); i++) {
            BlockMath.centredRow(metric, first.embeddings(), i, d, new double[d], v);
            for (int t = 0; t < d; t++) {
                shift[t] += v[t] / first.rows();
            }
        }
        ClassTable table = new ClassTable(k, d, shift, offsets, new double[k * d], new double[k], new double[k]);
        for (PreparedBlock block : blocks) {
            BlockMath.addClassStatistics(block, metric, table);
        }
        return table;
    }

    /** {@code n} rows in blocks of {@code blockRows}; every class present in the batch (the first K rows). */
    private static List<PreparedBlock> blocks(Arena arena, SplittableRandom random, Data data, int n, int blockRows,
                                              int dims, int k) {
        float[][] centres = new float[k][dims];
        for (float[] c : centres) {
            for (int t = 0; t < dims; t++) {
                c[t] = (float) (1.5 * random.nextInt(-2, 3));
            }
        }
        float[][] copies = new float[k * 3][dims];
        for (int c = 0; c < copies.length; c++) {
            for (int t = 0; t < dims; t++) {
                copies[c][t] = (float) (centres[c % k][t] + random.nextGaussian() + 30.0);
            }
        }
        int[] classes = new int[n];
        for (int i = 0; i < n; i++) {
            classes[i] = i < k ? i : data == Data.SINGLETONS ? random.nextInt(Math.min(k, 2)) : random.nextInt(k);
        }
        List<PreparedBlock> blocks = new ArrayList<>();
        for (int start = 0; start < n; start += blockRows) {
            int rows = Math.min(blockRows, n - start);
            MemorySegment values = arena.allocate(JAVA_FLOAT, (long) rows * dims);
            int[] blockClasses = new int[rows];
            for (int i = 0; i < rows; i++) {
                int y = classes[start + i];
                blockClasses[i] = y;
                int copy = y + k * random.nextInt(3);
                for (int t = 0; t < dims; t++) {
                    double g = random.nextGaussian();
                    double value = switch (data) {
                        case GAUSSIAN, SINGLETONS -> centres[y][t] + g;
                        case FAR_FROM_ORIGIN -> centres[y][t] + g + 30.0;
                        case DUPLICATES -> copies[copy][t];
                    };
                    values.setAtIndex(JAVA_FLOAT, (long) i * dims + t, (float) value);
                }
            }
            blocks.add(new PreparedBlock(values, rows, dims, blockClasses, k));
        }
        return blocks;
    }
}
