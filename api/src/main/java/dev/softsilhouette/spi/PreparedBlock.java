package dev.softsilhouette.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A validated block of rows, as a backend receives it for the block decomposition (SPEC section 12): a slice of a
 * larger data set whose classes are indexed in a table common to every block. Made by the API layer; the array
 * belongs to the call: backends read it during the call and never modify or keep it.
 *
 * @param embeddings {@code rows * dims} finite float32 values, row-major, native byte order, possibly unaligned, on
 *                   the heap, off it or memory-mapped; read with {@link ValueLayout#JAVA_FLOAT_UNALIGNED}
 * @param rows       rows in the block
 * @param dims       values per row
 * @param classes    for each row, the index of its class in the common table ({@code 0 .. classCount-1}: the
 *                   position of its label among every label of the data set, in increasing order)
 * @param classCount K, the size of the common class table (every class of the data set, not only this block's)
 */
public record PreparedBlock(MemorySegment embeddings, int rows, int dims, int[] classes, int classCount) {

    /** Lengths are checked, values are not. */
    public PreparedBlock {
        if (rows < 1 || dims < 1 || classCount < 1 || classes.length < rows
                || embeddings.byteSize() < (long) rows * dims * Float.BYTES) {
            throw new IllegalArgumentException("inconsistent prepared block: rows=" + rows + " dims=" + dims
                    + " classes=" + classCount);
        }
    }

    /** The value at {@code (row, col)}. For plain code; kernels read the segment directly. */
    public float value(int row, int col) {
        return embeddings.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) row * dims + col);
    }
}
