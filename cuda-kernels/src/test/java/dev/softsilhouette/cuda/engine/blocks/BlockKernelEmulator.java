package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.EmulatedPort;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.StrategyBackend;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DevicePort} that runs the kernels of {@code euclidean_blocks.cu} and {@code class_blocks.cu} as Java ports
 * on fake device memory ({@link EmulatedPort}: allocations at made-up addresses, filled with garbage so that reading
 * what nobody wrote shows), in the kernels' float32/float64 precision and order of operations, thread by thread and
 * phase by phase. Every copy and pointer argument is checked against a live allocation, and the grid and block limits
 * as on a device. It does not check what only hardware shows (races, speed).
 */
final class BlockKernelEmulator extends EmulatedPort {
    private static final int TILE = 16; // EB_TILE
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private long[] a;
    /**
     * Bytes this emulator allocated on the calling thread in its copies and launches (it stands in for the device,
     * so an allocation test of the host code takes them out).
     */
    long emulatorBytes;
    /**
     * A deliberate defect for the tests that show a comparison can fail: {@code class_block_silhouettes} multiplies
     * each row's own-class sum by {@code 1 + ownSumError} before the silhouette rule (0: the kernel as written).
     */
    double ownSumError;

    /** A {@link StrategyBackend} whose block workspaces run on this port (a whole-batch call fails the test). */
    StrategyBackend<AutoCloseable> blocksOnlyBackend() {
        return new StrategyBackend<>("gpu", () -> () -> { }, (w, batch, metric, tau, weight, rowWeights, s, g) -> {
            throw new AssertionError("no whole-batch call here");
        }, (w, batch, metric, tau, weight, s, g) -> {
            throw new AssertionError("no GPU-resident call here");
        }, () -> this, () -> { });
    }

    private long allocatedSoFar() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        long before = allocatedSoFar();
        super.copyToDevice(destination, source, bytes);
        emulatorBytes += allocatedSoFar() - before;
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        long before = allocatedSoFar();
        super.copyToHost(destination, source, bytes);
        emulatorBytes += allocatedSoFar() - before;
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long sourceOffset, long bytes) {
        long before = allocatedSoFar();
        super.copyToDevice(destination, source, sourceOffset, bytes);
        emulatorBytes += allocatedSoFar() - before;
    }

    @Override
    public void copyToHost(MemorySegment destination, long destinationOffset, long source, long bytes) {
        long before = allocatedSoFar();
        super.copyToHost(destination, destinationOffset, source, bytes);
        emulatorBytes += allocatedSoFar() - before;
    }

    /** The block decomposition orders nothing with a caller's stream. */
    @Override
    public void waitFor(long stream) {
        throw new AssertionError("the block workspaces queue no event");
    }

    @Override
    public void signal(long stream) {
        throw new AssertionError("the block workspaces queue no event");
    }

    /** Records nothing: the allocation tests count what the host code allocates between launches. */
    @Override
    public void synchronize() {
    }

    private float f32(long ptr, long index) {
        return memory.f32(ptr, index);
    }

    private int i32(long ptr, long index) {
        return memory.i32(ptr, index);
    }

    private double f64(long ptr, long index) {
        return memory.f64(ptr, index);
    }

    private void f64(long ptr, long index, double v) {
        memory.f64(ptr, index, v);
    }

    private int ai(int i) {
        return (int) a[i];
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        long before = allocatedSoFar();
        try {
            emulate(kernel, gridX, gridY, blockX, blockY, arguments);
        } finally {
            emulatorBytes += allocatedSoFar() - before;
        }
    }

    private void emulate(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        launched(kernel, gridX, gridY, blockX, blockY);
        a = arguments.toArray();
        switch (kernel) {
            case "euclidean_block_tiles" -> {
                assertEquals(TILE, blockX, "the tile kernel runs EB_TILE x EB_TILE threads");
                assertEquals(TILE, blockY, "the tile kernel runs EB_TILE x EB_TILE threads");
                for (int y = 0; y < gridY; y++) {
                    for (int x = 0; x < gridX; x++) {
                        tile(y, x);
                    }
                }
            }
            case "euclidean_block_class_sums" -> classSums(gridX * (long) blockX);
            case "class_block_silhouettes" -> {
                for (long i = 0, threads = gridX * (long) blockX; i < threads; i++) {
                    classBlockRow(i);
                }
            }
            default -> throw new AssertionError("no emulation of " + kernel);
        }
    }

    /** euclidean_block_tiles, one thread block (a = blockIdx.y, b = blockIdx.x). */
    private void tile(int a, int b) {
        long rows = this.a[0];
        long columns = this.a[1];
        int dims = ai(2);
        long rowStarts = this.a[3];
        int rowSegments = ai(4);
        long columnStarts = this.a[5];
        int columnSegments = ai(6);
        boolean within = ai(7) != 0;
        long rowPartials = this.a[8];
        long columnPartials = this.a[9];
        if (within && b < a) {
            return;
        }
        int r0 = i32(rowStarts, a);
        int nr = i32(rowStarts, a + 1) - r0;
        int c0 = i32(columnStarts, b);
        int nc = i32(columnStarts, b + 1) - c0;
        assertTrue(nr >= 1 && nr <= TILE && nc >= 1 && nc <= TILE, "segment lengths");
        float[][] rowValues = new float[TILE][TILE];
        float[][] columnValues = new float[TILE][TILE];
        float[][] sq = new float[TILE][TILE];
        for (int t0 = 0; t0 < dims; t0 += TILE) {
            for (int ty = 0; ty < TILE; ty++) { // phase: the loads
                for (int tx = 0; tx < TILE; tx++) {
                    int t = t0 + tx;
                    rowValues[ty][tx] = ty < nr && t < dims ? f32(rows, (long) (r0 + ty) * dims + t) : 0.0f;
                    columnValues[ty][tx] = ty < nc && t < dims ? f32(columns, (long) (c0 + ty) * dims + t) : 0.0f;
                }
            }
            int chunk = Math.min(TILE, dims - t0);
            for (int ty = 0; ty < TILE; ty++) { // phase: the squares
                for (int tx = 0; tx < TILE; tx++) {
                    for (int u = 0; u < chunk; u++) {
                        float diff = rowValues[ty][u] - columnValues[tx][u];
                        sq[ty][tx] = Math.fma(diff, diff, sq[ty][tx]);
                    }
                }
            }
        }
        float[][] distance = new float[TILE][TILE];
        for (int ty = 0; ty < TILE; ty++) {
            for (int tx = 0; tx < TILE; tx++) {
                distance[ty][tx] = (float) Math.sqrt(sq[ty][tx]); // sqrtf: correctly rounded, as the double's
            }
        }
        for (int tx = 0; tx < nr; tx++) {
            double sum = 0.0;
            for (int c = 0; c < nc; c++) {
                sum += distance[tx][c];
            }
            f64(rowPartials, (long) (r0 + tx) * columnSegments + b, sum);
        }
        if (!(within && a == b)) {
            for (int tx = 0; tx < nc; tx++) {
                double sum = 0.0;
                for (int r = 0; r < nr; r++) {
                    sum += distance[r][tx];
                }
                f64(columnPartials, (long) (c0 + tx) * rowSegments + a, sum);
            }
        }
    }

    /** euclidean_block_class_sums over every thread of the grid. */
    private void classSums(long threads) {
        long partials = a[0];
        int rows = ai(1);
        int segments = ai(2);
        long classFirstSegment = a[3];
        int classCount = ai(4);
        long sums = a[5];
        for (long e = 0; e < threads; e++) {
            if (e >= (long) rows * classCount) {
                return;
            }
            long i = e / classCount;
            int k = (int) (e - i * classCount);
            double sum = 0.0;
            for (int q = i32(classFirstSegment, k); q < i32(classFirstSegment, k + 1); q++) {
                sum += f64(partials, i * segments + q);
            }
            f64(sums, e, sum);
        }
    }

    private double d64(int i) {
        return Double.longBitsToDouble(a[i]);
    }

    /**
     * class_block_silhouettes, thread i: the same double operations in the same order (the kernel's __dmul_rn /
     * __dadd_rn keep the compiler from contracting them into FMAs; Java contracts nothing either).
     */
    private void classBlockRow(long i) {
        long x = a[0];
        int rows = ai(1);
        int dims = ai(2);
        long classes = a[3];
        boolean cosine = ai(4) != 0;
        double normFloor = d64(5);
        long shift = a[6];
        long means = a[7];
        long classTerms = a[8];
        long classOffsets = a[9];
        int classCount = ai(10);
        double noise = d64(11);
        double tau = d64(12);
        long sums = a[13];
        long silhouettes = a[14];
        if (i >= rows) {
            return;
        }
        long row = i * dims;
        long own = i * classCount;
        int y = i32(classes, i);
        double floored = 1.0;
        double correction = 0.0;
        if (cosine) {
            double sq = 0.0;
            for (int t = 0; t < dims; t++) {
                double v = f32(x, row + t);
                sq = sq + v * v;
            }
            double norm = Math.sqrt(sq);
            floored = Math.max(norm, normFloor);
            double unitSq = 0.0;
            for (int t = 0; t < dims; t++) {
                double u = f32(x, row + t) / floored;
                unitSq = unitSq + u * u;
            }
            correction = norm >= normFloor ? 0.0 : 0.5 * (1.0 - unitSq);
        }
        double squaredNorm = 0.0;
        for (int t = 0; t < dims; t++) {
            double v = centred(x, row, t, cosine, floored, shift);
            squaredNorm = squaredNorm + v * v;
        }
        for (int k = 0; k < classCount; k++) {
            double e = 0.0;
            for (int t = 0; t < dims; t++) {
                double diff = centred(x, row, t, cosine, floored, shift) - f64(means, (long) k * dims + t);
                e = e + diff * diff;
            }
            double size = i32(classOffsets, k + 1) - i32(classOffsets, k);
            double squares = size * e + f64(classTerms, k);
            if (squares <= noise * (size * squaredNorm + f64(classTerms, classCount + k))) {
                squares = 0.0;
            }
            if (cosine) {
                squares = 0.5 * squares + size * correction + f64(classTerms, 2L * classCount + k)
                        - (k == y ? 2.0 * correction : 0.0);
            }
            if (k == y) {
                squares *= 1.0 + ownSumError;
            }
            f64(sums, own + k, squares);
        }
        int ownSize = i32(classOffsets, y + 1) - i32(classOffsets, y);
        if (ownSize < 2 || classCount < 2) {
            f64(silhouettes, i, 0.0);
            return;
        }
        double aOwn = f64(sums, own + y) / (double) (ownSize - 1);
        double least = Double.POSITIVE_INFINITY;
        for (int k = 0; k < classCount; k++) {
            if (k != y) {
                double delta = f64(sums, own + k) / (double) (i32(classOffsets, k + 1) - i32(classOffsets, k));
                if (delta < least) {
                    least = delta;
                }
            }
        }
        double b;
        if (tau == 0.0) {
            b = least;
        } else {
            double invTau = 1.0 / tau;
            double weighted = 0.0;
            double z = 0.0;
            for (int k = 0; k < classCount; k++) {
                if (k != y) {
                    double delta = f64(sums, own + k) / (double) (i32(classOffsets, k + 1) - i32(classOffsets, k));
                    double exponent = delta == least ? 0.0 : (least - delta) * invTau;
                    double w = exponent < -746.0 ? 0.0 : Math.exp(exponent);
                    z = z + w;
                    weighted = weighted + w * delta;
                }
            }
            b = weighted / z;
            if (b < least) {
                b = least;
            }
        }
        double m = Math.max(aOwn, b);
        double s;
        if (m == 0.0) {
            s = 0.0;
        } else {
            s = aOwn < b ? 1.0 - aOwn / b : b / aOwn - 1.0;
            s = Math.max(-1.0, Math.min(1.0, s));
        }
        f64(silhouettes, i, s);
    }

    /** cb_centred: coordinate t of the row as the statistics see it. */
    private double centred(long x, long row, int t, boolean cosine, double floored, long shift) {
        double v = f32(x, row + t);
        if (cosine) {
            v = v / floored;
        }
        return v - f64(shift, t);
    }
}
