package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.PreparedBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link StrategyBackend}'s EUCLIDEAN tile sums of the block decomposition, host code and kernels replayed on the
 * Java emulation of {@code euclidean_blocks.cu}, against {@code spi.BlockMath} (the reference, float64 pair by pair)
 * at SPEC section 12's 1e-6, relative to each sum.
 */
class EuclideanBlockEmulationTest {
    private static final double TOLERANCE = 1e-6;

    /** How the rows are drawn. */
    enum Data {
        /** Standard normal values. */
        GAUSSIAN,
        /** Normal values plus 30 (the conformance kit's FAR_FROM_ORIGIN). */
        FAR_FROM_ORIGIN,
        /** Rows 1e4 from the origin, each a copy of one of a few rows moved by about 1e-3 in each value, or exact. */
        NEAR_DUPLICATES,
        /** Normal values times 1e-20 (squares below float's range unless scaled). */
        TINY,
        /** Normal values times 1e18 (squares beyond float's range unless scaled). */
        HUGE
    }

    static Stream<Arguments> tiles() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{1, 1, 1, 2}, {1, 9, 3, 2}, {9, 1, 3, 3}, {16, 16, 16, 1}, {17, 33, 5, 4}, {40, 23, 64, 7},
            {50, 50, 17, 40}, {70, 12, 2, 3}};
        for (Data data : Data.values()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(data, s[0], s[1], s[2], s[3]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} x {2} rows, D={3}, K={4}")
    @MethodSource("tiles")
    void tileSumsMatchTheReferenceInBothDirections(Data data, int rowCount, int columnCount, int dims, int k) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(rowCount * 1_000L + columnCount * 10L + dims + k);
            float[][] base = bases(random, dims);
            PreparedBlock rows = block(arena, random, data, base, rowCount, dims, k);
            PreparedBlock columns = block(arena, random, data, base, columnCount, dims, k);
            double[] rowSums = start(random, rowCount * k);
            double[] columnSums = start(random, columnCount * k);
            double[] rowExpected = rowSums.clone();
            double[] columnExpected = columnSums.clone();
            BlockMath.addEuclideanSums(rows, columns, rowExpected, columnExpected);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                backend.addEuclideanSums(rows, columns, rowSums, columnSums);
                assertClose(rowExpected, rowSums, "row sums");
                assertClose(columnExpected, columnSums, "column sums");
                assertEquals(List.of("euclidean_block_tiles", "euclidean_block_class_sums",
                        "euclidean_block_class_sums"), port.launches, "on the device");
                double[] first = new double[rowCount * k];
                double[] firstColumns = new double[columnCount * k];
                double[] second = new double[rowCount * k];
                double[] secondColumns = new double[columnCount * k];
                backend.addEuclideanSums(rows, columns, first, firstColumns);
                backend.addEuclideanSums(rows, columns, second, secondColumns);
                assertArrayEquals(first, second, "the same row sums bit for bit on every run");
                assertArrayEquals(firstColumns, secondColumns, "the same column sums bit for bit on every run");
            }
            assertTrue(port.closed, "the backend closes the block workspace's port");
            assertEquals(0, port.pinnedLive, "and frees its page-locked memory");
        }
    }

    @ParameterizedTest(name = "{0}: {1} rows, D={3}, K={4}")
    @MethodSource("tiles")
    void diagonalTileSumsMatchTheReference(Data data, int rowCount, int ignored, int dims, int k) {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(rowCount * 7L + dims * 3L + k);
            PreparedBlock block = block(arena, random, data, bases(random, dims), rowCount, dims, k);
            double[] sums = start(random, rowCount * k);
            double[] expected = sums.clone();
            BlockMath.addEuclideanSumsWithin(block, expected);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                backend.addEuclideanSumsWithin(block, sums);
                assertClose(expected, sums, "sums within the block");
                assertEquals(List.of("euclidean_block_tiles", "euclidean_block_class_sums"), port.launches);
                double[] first = new double[rowCount * k];
                double[] second = new double[rowCount * k];
                backend.addEuclideanSumsWithin(block, first);
                backend.addEuclideanSumsWithin(block, second);
                assertArrayEquals(first, second, "the same sums bit for bit on every run");
            }
        }
    }

    @Test
    void theWorkspaceGrowsAndIsReusedAcrossTilesOfDifferentShapes() {
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(5);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                for (int[] s : new int[][] {{40, 30, 8}, {3, 2, 8}, {90, 60, 8}, {5, 5, 8}}) {
                    float[][] base = bases(random, s[2]);
                    PreparedBlock rows = block(arena, random, Data.GAUSSIAN, base, s[0], s[2], 6);
                    PreparedBlock columns = block(arena, random, Data.GAUSSIAN, base, s[1], s[2], 6);
                    double[] rowSums = new double[s[0] * 6];
                    double[] columnSums = new double[s[1] * 6];
                    double[] rowExpected = rowSums.clone();
                    double[] columnExpected = columnSums.clone();
                    BlockMath.addEuclideanSums(rows, columns, rowExpected, columnExpected);
                    backend.addEuclideanSums(rows, columns, rowSums, columnSums);
                    assertClose(rowExpected, rowSums, "row sums " + Arrays.toString(s));
                    assertClose(columnExpected, columnSums, "column sums " + Arrays.toString(s));
                }
            }
        }
    }

    /**
     * Once warmed on a shape, the host side of a tile (class sort, segment tables, staging, the sums added back)
     * allocates nothing on the calling thread: what the emulator itself allocates in its copies and launches stands
     * in for the device and is taken out. Measured as the least over repeated calls, so that the JIT has compiled
     * the path (the interpreter and C1 allocate where C2's escape analysis does not).
     */
    @Test
    void repeatedTilesOfOneShapeAllocateNothingOnceWarmed() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            SplittableRandom random = new SplittableRandom(11);
            float[][] base = bases(random, 12);
            PreparedBlock rows = block(arena, random, Data.GAUSSIAN, base, 45, 12, 5);
            PreparedBlock columns = block(arena, random, Data.FAR_FROM_ORIGIN, base, 38, 12, 5);
            double[] rowSums = new double[45 * 5];
            double[] columnSums = new double[38 * 5];
            double[] firstRows = null;
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                long least = Long.MAX_VALUE;
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (least > 0 && System.nanoTime() < deadline) {
                    Arrays.fill(rowSums, 0.0);
                    Arrays.fill(columnSums, 0.0);
                    long emulated = port.emulatorBytes;
                    long before = threads.getCurrentThreadAllocatedBytes();
                    backend.addEuclideanSums(rows, columns, rowSums, columnSums);
                    backend.addEuclideanSumsWithin(rows, rowSums);
                    long host = threads.getCurrentThreadAllocatedBytes() - before - (port.emulatorBytes - emulated);
                    least = Math.min(least, host);
                    if (firstRows == null) {
                        firstRows = rowSums.clone();
                    } else {
                        assertArrayEquals(firstRows, rowSums, "bit-identical sums call after call");
                    }
                }
                assertEquals(0, least, "every call allocated on the host, at least this many bytes");
            }
        }
    }

    @Test
    void aTileBeyondTheGridTakesTheFloat64DefaultWithoutDeviceWork() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 16 * 65_536; // one class: 65,536 row segments, beyond a grid's y dimension
            MemorySegment values = arena.allocate(JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                values.setAtIndex(JAVA_FLOAT, i, (i % 1000) * 0.5f);
            }
            PreparedBlock rows = new PreparedBlock(values, n, 1, new int[n], 2);
            MemorySegment one = arena.allocate(JAVA_FLOAT, 1);
            one.setAtIndex(JAVA_FLOAT, 0, -1f);
            PreparedBlock column = new PreparedBlock(one, 1, 1, new int[] {1}, 2);
            assertFalse(EuclideanBlockWorkspace.fits(rows, column));
            assertTrue(EuclideanBlockWorkspace.fits(column, column));
            double[] rowSums = new double[2 * n];
            double[] columnSums = new double[2];
            double[] rowExpected = new double[2 * n];
            double[] columnExpected = new double[2];
            BlockMath.addEuclideanSums(rows, column, rowExpected, columnExpected);
            BlockKernelEmulator port = new BlockKernelEmulator();
            try (StrategyBackend<AutoCloseable> backend = port.blocksOnlyBackend()) {
                backend.addEuclideanSums(rows, column, rowSums, columnSums);
                assertEquals(List.of(), port.launches, "the CPU default, no device work");
                assertArrayEquals(rowExpected, rowSums);
                assertArrayEquals(columnExpected, columnSums);
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs(actual[i] - expected[i]);
            if (!(error <= TOLERANCE * Math.abs(expected[i]))) {
                fail(what + "[" + i + "]: " + actual[i] + " vs " + expected[i] + " (relative "
                        + error / Math.abs(expected[i]) + ")");
            }
        }
    }

    private static double[] start(SplittableRandom random, int length) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = random.nextDouble() * 10.0;
        }
        return out;
    }

    private static float[][] bases(SplittableRandom random, int dims) {
        float[][] base = new float[3][dims];
        for (float[] b : base) {
            for (int t = 0; t < dims; t++) {
                b[t] = (float) (1e4 + random.nextGaussian());
            }
        }
        return base;
    }

    /** Classes drawn from 0..k-1 (some may be absent), the rows as {@code data} says. */
    private static PreparedBlock block(Arena arena, SplittableRandom random, Data data, float[][] base, int rows,
                                       int dims, int k) {
        MemorySegment values = arena.allocate(JAVA_FLOAT, (long) rows * dims);
        int[] classes = new int[rows];
        for (int i = 0; i < rows; i++) {
            classes[i] = random.nextInt(k);
            float[] copy = base[random.nextInt(base.length)];
            boolean exact = random.nextInt(4) == 0;
            for (int t = 0; t < dims; t++) {
                double g = random.nextGaussian();
                double v = switch (data) {
                    case GAUSSIAN -> g;
                    case FAR_FROM_ORIGIN -> g + 30.0;
                    case NEAR_DUPLICATES -> exact ? copy[t] : copy[t] + 1e-3 * g;
                    case TINY -> g * 1e-20;
                    case HUGE -> g * 1e18;
                };
                values.setAtIndex(JAVA_FLOAT, (long) i * dims + t, (float) v);
            }
        }
        return new PreparedBlock(values, rows, dims, classes, k);
    }
}
