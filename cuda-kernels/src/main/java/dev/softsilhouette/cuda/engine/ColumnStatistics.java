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

    /** The power of two for the largest of the D spreads {@code column_spread} wrote (doubles, native order). */
    public static double scale(MemorySegment spreads, int dims) {
        double largest = 0.0;
        for (int t = 0; t < dims; t++) {
            largest = Math.max(largest, spreads.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, t));
        }
        return PowerOfTwoScale.of(largest);
    }
}
