package dev.softsilhouette.spi;

/**
 * The labels of a validated batch as every backend receives them, prepared once above the SPI (SPEC section 1),
 * wherever the embeddings live: in host memory ({@link PreparedBatch}) or in GPU memory ({@link DeviceBatch}).
 * The arrays belong to the calling thread's workspace and are reused by its next call: read them during the call,
 * never modify or keep them.
 */
public interface PreparedLabels {

    /** N. */
    int rows();

    /** D. */
    int dims();

    /** K, the number of classes present. */
    int classCount();

    /** Compact class of each row (length N), {@code 0..K-1} in increasing order of the original labels. */
    int[] labels();

    /** Row indices in class order (length N), stable: within a class, increasing row index. */
    int[] sortedRows();

    /** Position of each row in class order (length N); the inverse of {@link #sortedRows()}. */
    int[] sortedPositions();

    /** Class boundaries in class order (length K+1): class k occupies positions {@code [offsets[k], offsets[k+1])}. */
    int[] classOffsets();

    /** n_k, the number of rows of class {@code k}. */
    default int classSize(int k) {
        return classOffsets()[k + 1] - classOffsets()[k];
    }

    /**
     * Whether the shape and the tables' lengths agree (N, N, N and K + 1 entries; N, D, K at least 1): the check both
     * kinds of batch make when they are built. Their contents are the API layer's to get right.
     */
    static boolean consistent(int rows, int dims, int classCount, int[] labels, int[] sortedRows,
                              int[] sortedPositions, int[] classOffsets) {
        return rows >= 1 && dims >= 1 && classCount >= 1 && labels.length == rows && sortedRows.length == rows
                && sortedPositions.length == rows && classOffsets.length == classCount + 1;
    }
}
