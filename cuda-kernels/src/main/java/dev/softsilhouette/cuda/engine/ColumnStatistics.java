package dev.softsilhouette.cuda.engine;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The conditioning step both backends run on the device ({@code column_partials} then {@code column_spread} of
 * {@code silhouette_rows.cu}): the grid, the partial-sum buffer, and the scale from the D spreads that come back.
 * {@code column_partials}: block (x: {@link #THREADS} columns, y: a chunk of {@link #chunkRows} rows);
 * {@code column_spread}: one thread per column, chunks added in chunk order.
 */
public final class ColumnStatistics {
    /** Threads per block of both kernels (one column each). */
    public static final int THREADS = 128;
    /** At most this many row chunks, of at least {@link #MIN_CHUNK_ROWS} rows. */
    public static final int MAX_CHUNKS = 256;
    public static final int MIN_CHUNK_ROWS = 64;

    private ColumnStatistics() {
    }

    /** Rows per chunk of {@code column_partials}. */
    public static int chunkRows(int rows) {
        return Math.max(MIN_CHUNK_ROWS, Math.ceilDiv(rows, MAX_CHUNKS));
    }

    /** Row chunks (the grid's y), at most {@link #MAX_CHUNKS}. */
    public static int chunks(int rows) {
        return Math.ceilDiv(rows, chunkRows(rows));
    }

    /** Blocks covering {@code dims} columns (the grid's x). */
    public static int columnBlocks(int dims) {
        return Math.max(1, Math.ceilDiv(dims, THREADS));
    }

    /** Bytes of the partial statistics: chunks x 3 x D doubles (sum, minimum, maximum). */
    public static long partialBytes(int rows, int dims) {
        return (long) chunks(rows) * 3 * dims * Double.BYTES;
    }

    /**
     * Queues the conditioning kernels on {@code args}' port: {@code column_partials} over the N x D float rows at
     * {@code rows} (divided by the norms at {@code rowNorms} when that is not 0: the unit rows), into
     * {@code partials} ({@link #partialBytes} bytes), then {@code column_spread}: the D column means into
     * {@code mean} and each column's largest distance from its mean into {@code spread} (doubles).
     */
    public static void launch(KernelArguments args, long rows, long rowNorms, int n, int d, long partials, long mean,
                              long spread) {
        int columnBlocks = columnBlocks(d);
        int chunks = chunks(n);
        args.clear().ptr(rows).ptr(rowNorms).i32(n).i32(d).i32(chunkRows(n)).ptr(partials)
                .launch("column_partials", columnBlocks, chunks, THREADS, 1);
        args.clear().ptr(partials).i32(chunks).i32(n).i32(d).ptr(mean).ptr(spread)
                .launch("column_spread", columnBlocks, 1, THREADS, 1);
    }

    /**
     * Brings the D spreads at device address {@code spread} back into {@code pinned} (at least D doubles), waits for
     * the port (the call's one synchronisation before the end) and returns their scale.
     */
    public static double scale(DevicePort port, long spread, MemorySegment pinned, int d) {
        port.copyToHost(pinned, spread, (long) d * Double.BYTES);
        port.synchronize();
        return scale(pinned, d);
    }

    /** The power of two for the largest of the D spreads {@code column_spread} wrote (doubles, native order). */
    public static double scale(MemorySegment spreads, int dims) {
        double largest = 0.0;
        for (int t = 0; t < dims; t++) {
            largest = Math.max(largest, spreads.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, t));
        }
        return PowerOfTwoScale.of(largest);
    }
}
