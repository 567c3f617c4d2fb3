package dev.softsilhouette.spi;

/**
 * A validated batch whose embeddings stay in GPU memory, as a {@link DeviceResidentBackend} receives it: the device
 * address of {@code rows * dims} float32 values (row-major, caller's row order, 4-byte aligned, non-zero), the
 * caller's CUDA stream, and the labels prepared above the SPI exactly as for a {@link PreparedBatch}. Whether the
 * values are finite is not known yet: only the device can read them (the backend checks, see
 * {@link DeviceResidentBackend}).
 */
public final class DeviceBatch implements PreparedLabels {
    private final long embeddings;
    private final long stream;
    private final int rows;
    private final int dims;
    private final int classCount;
    private final int[] labels;
    private final int[] sortedRows;
    private final int[] sortedPositions;
    private final int[] classOffsets;

    /**
     * For the API layer (and tests). The arrays must have exactly {@code rows}, {@code rows}, {@code rows} and
     * {@code classCount + 1} entries and be consistent; this is checked only by length.
     */
    public DeviceBatch(long embeddings, long stream, int rows, int dims, int classCount, int[] labels,
                       int[] sortedRows, int[] sortedPositions, int[] classOffsets) {
        if (embeddings == 0L || embeddings % Float.BYTES != 0
                || !PreparedLabels.consistent(rows, dims, classCount, labels, sortedRows, sortedPositions,
                classOffsets)) {
            throw new IllegalArgumentException("inconsistent device batch: address=0x" + Long.toHexString(embeddings)
                    + " rows=" + rows + " dims=" + dims + " classes=" + classCount);
        }
        this.embeddings = embeddings;
        this.stream = stream;
        this.rows = rows;
        this.dims = dims;
        this.classCount = classCount;
        this.labels = labels;
        this.sortedRows = sortedRows;
        this.sortedPositions = sortedPositions;
        this.classOffsets = classOffsets;
    }

    /** The device address of the N*D float32 embeddings ({@code CUdeviceptr}). */
    public long embeddings() {
        return embeddings;
    }

    /** The caller's {@code CUstream} handle; 0 is the legacy default stream. */
    public long stream() {
        return stream;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int dims() {
        return dims;
    }

    @Override
    public int classCount() {
        return classCount;
    }

    @Override
    public int[] labels() {
        return labels;
    }

    @Override
    public int[] sortedRows() {
        return sortedRows;
    }

    @Override
    public int[] sortedPositions() {
        return sortedPositions;
    }

    @Override
    public int[] classOffsets() {
        return classOffsets;
    }
}
