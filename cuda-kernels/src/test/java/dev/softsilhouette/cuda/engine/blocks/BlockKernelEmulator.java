package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.KernelArguments;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@link DevicePort} that runs the kernels of {@code euclidean_blocks.cu} as Java ports on fake device memory
 * (allocations at made-up addresses, filled with garbage so that reading what nobody wrote shows), in the kernels'
 * float32/float64 precision and order of operations, thread by thread and phase by phase. Every copy and pointer
 * argument is checked against a live allocation, and the grid and block limits as on a device. It does not check
 * what only hardware shows (races, speed).
 */
final class BlockKernelEmulator implements DevicePort {
    private static final int TILE = 16; // EB_TILE
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Arena arena = Arena.ofShared();
    private final TreeMap<Long, MemorySegment> allocations = new TreeMap<>();
    private long nextAddress = 0x7f00_0000_0000L;
    private long[] a;
    final List<String> launches = new ArrayList<>();
    int pinnedLive;
    boolean closed;
    /**
     * Bytes this emulator allocated on the calling thread in its copies and launches (it stands in for the device,
     * so an allocation test of the host code takes them out).
     */
    long emulatorBytes;

    private long allocatedSoFar() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public long allocate(long bytes) {
        assertTrue(bytes > 0, "allocate " + bytes);
        long address = nextAddress;
        nextAddress += (bytes + 0xFFFF) & ~0xFFFFL;
        MemorySegment fresh = arena.allocate(bytes, 256);
        fresh.fill((byte) 0x55);
        allocations.put(address, fresh);
        return address;
    }

    @Override
    public void free(long address) {
        assertNotNull(allocations.remove(address), "free of an address never allocated");
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        assertTrue(bytes > 0, "allocatePinned " + bytes);
        pinnedLive++;
        return arena.allocate(bytes, 256);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        pinnedLive--;
    }

    /** The live allocation holding {@code bytes} from {@code address}, sliced there. */
    private MemorySegment at(long address, long bytes) {
        var entry = allocations.floorEntry(address);
        assertNotNull(entry, "no allocation at " + Long.toHexString(address));
        long offset = address - entry.getKey();
        assertTrue(offset + bytes <= entry.getValue().byteSize(), "out of the allocation");
        return entry.getValue().asSlice(offset, bytes);
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        long before = allocatedSoFar();
        at(destination, bytes).copyFrom(source.asSlice(0, bytes));
        emulatorBytes += allocatedSoFar() - before;
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        long before = allocatedSoFar();
        destination.asSlice(0, bytes).copyFrom(at(source, bytes));
        emulatorBytes += allocatedSoFar() - before;
    }

    @Override
    public void zero(long address, long bytes) {
        at(address, bytes).fill((byte) 0);
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
        closed = true;
    }

    private float f32(long ptr, long index) {
        return at(ptr + index * 4, 4).get(F, 0);
    }

    private int i32(long ptr, long index) {
        return at(ptr + index * 4, 4).get(I, 0);
    }

    private double f64(long ptr, long index) {
        return at(ptr + index * 8, 8).get(D, 0);
    }

    private void f64(long ptr, long index, double v) {
        at(ptr + index * 8, 8).set(D, 0, v);
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
        assertTrue(gridX >= 1 && gridY >= 1 && gridY <= 65_535, kernel + " grid " + gridX + "x" + gridY);
        assertTrue(blockX * blockY >= 32 && blockX * blockY <= 1024, kernel + " block");
        a = arguments.toArray();
        launches.add(kernel);
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
}
