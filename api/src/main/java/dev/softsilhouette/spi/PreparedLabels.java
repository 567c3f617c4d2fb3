package dev.softsilhouette.spi;

/**
 * The labels of a validated batch as every backend receives them, prepared once above the SPI (SPEC section 1),
 * wherever the embeddings live: in host memory ({@link PreparedBatch}) or in GPU memory ({@link DeviceBatch}).
 * The arrays belong to the calling thread's workspace and are reused by its next call: read them during the call,
 * never modify or keep them.
 */
public abstract sealed class PreparedLabels permits PreparedBatch, DeviceBatch {
    private final int rows;
    private final int dims;
    private final int classCount;
    private final int[] labels;
    private final int[] sortedRows;
    private final int[] sortedPositions;
    private final int[] classOffsets;

    /**
     * The shape and the tables, whose lengths must agree (N, N, N and K + 1 entries; N, D, K at least 1); their
     * contents are the API layer's to get right.
     *
     * @param what the kind of batch, for the message of an inconsistent one
     */
    PreparedLabels(String what, int rows, int dims, int classCount, int[] labels, int[] sortedRows,
                   int[] sortedPositions, int[] classOffsets) {
        if (rows < 1 || dims < 1 || classCount < 1 || labels.length != rows || sortedRows.length != rows
                || sortedPositions.length != rows || classOffsets.length != classCount + 1) {
            throw inconsistent(what, rows, dims, classCount);
        }
        this.rows = rows;
        this.dims = dims;
        this.classCount = classCount;
        this.labels = labels;
        this.sortedRows = sortedRows;
        this.sortedPositions = sortedPositions;
        this.classOffsets = classOffsets;
    }

    static IllegalArgumentException inconsistent(String what, int rows, int dims, int classCount) {
        return new IllegalArgumentException("inconsistent " + what + ": rows=" + rows + " dims=" + dims
                + " classes=" + classCount);
    }

    /** N. */
    public final int rows() {
        return rows;
    }

    /** D. */
    public final int dims() {
        return dims;
    }

    /** K, the number of classes present. */
    public final int classCount() {
        return classCount;
    }

    /** Compact class of each row (length N), {@code 0..K-1} in increasing order of the original labels. */
    public final int[] labels() {
        return labels;
    }

    /** Row indices in class order (length N), stable: within a class, increasing row index. */
    public final int[] sortedRows() {
        return sortedRows;
    }

    /** Position of each row in class order (length N); the inverse of {@link #sortedRows()}. */
    public final int[] sortedPositions() {
        return sortedPositions;
    }

    /** Class boundaries in class order (length K+1): class k occupies positions {@code [offsets[k], offsets[k+1])}. */
    public final int[] classOffsets() {
        return classOffsets;
    }

    /** n_k, the number of rows of class {@code k}. */
    public final int classSize(int k) {
        return classOffsets[k + 1] - classOffsets[k];
    }
}
