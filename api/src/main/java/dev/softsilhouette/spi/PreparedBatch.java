package dev.softsilhouette.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A validated batch, as every backend receives it: the embeddings as one segment view and the labels already
 * prepared (SPEC section 1; done once, above the SPI).
 *
 * <ul>
 *   <li>{@link #embeddings()}: {@code rows * dims} finite float32 values, row-major, in the caller's row order,
 *       native byte order, possibly unaligned, on the heap or off it. Read with
 *       {@link ValueLayout#JAVA_FLOAT_UNALIGNED}.</li>
 *   <li>{@link #labels()}: the class of each row, compacted to {@code 0..classCount()-1} in increasing order of the
 *       original label values (so a lower compact index is a lower original label).</li>
 *   <li>{@link #sortedRows()}: the rows in class order, stable (within a class, increasing row index); class
 *       {@code k} occupies positions {@code classOffsets()[k] .. classOffsets()[k+1]-1}. {@link #sortedPositions()}
 *       is the inverse permutation.</li>
 * </ul>
 *
 * <p>The labels as {@link PreparedLabels} (a {@link DeviceBatch} has the same, for embeddings in GPU memory). The arrays
 * belong to the calling thread's workspace and are reused by its next call: backends read them during
 * the call and never modify or keep them.
 */
public final class PreparedBatch extends PreparedLabels {
    private final MemorySegment embeddings;

    /**
     * For the API layer (and tests). The arrays must have exactly {@code rows}, {@code rows}, {@code rows} and
     * {@code classCount + 1} entries and be consistent; this is checked only by length.
     */
    public PreparedBatch(MemorySegment embeddings, int rows, int dims, int classCount, int[] labels,
                         int[] sortedRows, int[] sortedPositions, int[] classOffsets) {
        super("prepared batch", rows, dims, classCount, labels, sortedRows, sortedPositions, classOffsets);
        if (embeddings.byteSize() < (long) rows * dims * Float.BYTES) {
            throw inconsistent("prepared batch", rows, dims, classCount);
        }
        this.embeddings = embeddings;
    }

    /** N*D float32 values, row-major, caller's row order. */
    public MemorySegment embeddings() {
        return embeddings;
    }

    /** The value at {@code (row, col)}. For plain code; kernels read the segment directly. */
    public float value(int row, int col) {
        return embeddings.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) row * dims() + col);
    }
}
