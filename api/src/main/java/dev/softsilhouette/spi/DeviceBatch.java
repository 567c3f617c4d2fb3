package dev.softsilhouette.spi;

/**
 * A validated batch whose embeddings stay in GPU memory, as a {@link DeviceResidentBackend} receives it: the device
 * address of {@code rows * dims} float32 values (row-major, caller's row order, 4-byte aligned, non-zero), the
 * caller's CUDA stream, and the labels prepared above the SPI exactly as for a {@link PreparedBatch}. Whether the
 * values are finite is not known yet: only the device can read them (the backend checks, see
 * {@link DeviceResidentBackend}).
 */
public final class DeviceBatch extends PreparedLabels {
    private final long embeddings;
    private final long stream;

    /**
     * For the API layer (and tests). The arrays must have exactly {@code rows}, {@code rows}, {@code rows} and
     * {@code classCount + 1} entries and be consistent; this is checked only by length.
     */
    public DeviceBatch(long embeddings, long stream, int rows, int dims, int classCount, int[] labels,
                       int[] sortedRows, int[] sortedPositions, int[] classOffsets) {
        super("device batch", rows, dims, classCount, labels, sortedRows, sortedPositions, classOffsets);
        if (embeddings == 0L || embeddings % Float.BYTES != 0) {
            throw new IllegalArgumentException("inconsistent device batch: address=0x" + Long.toHexString(embeddings)
                    + " rows=" + rows + " dims=" + dims + " classes=" + classCount);
        }
        this.embeddings = embeddings;
        this.stream = stream;
    }

    /** The device address of the N*D float32 embeddings ({@code CUdeviceptr}). */
    public long embeddings() {
        return embeddings;
    }

    /** The caller's {@code CUstream} handle; 0 is the legacy default stream. */
    public long stream() {
        return stream;
    }
}
