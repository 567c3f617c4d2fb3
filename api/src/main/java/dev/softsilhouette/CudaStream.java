package dev.softsilhouette;

/**
 * A CUDA stream of the caller, as the raw {@code CUstream} handle ({@code cudaStream_t}; PyTorch's
 * {@code torch.cuda.current_stream().cuda_stream}): the GPU-resident calls of {@link SoftSilhouetteLoss} read the
 * embeddings only after the work queued on it so far, and make it wait for their gradient writes. It must belong to
 * the GPU backend's context (the primary context of its device).
 *
 * @param handle the {@code CUstream}; 0 is the legacy default stream ({@link #DEFAULT}); the special handles
 *               {@code CU_STREAM_LEGACY} (1) and {@code CU_STREAM_PER_THREAD} (2) are passed on as they are
 */
public record CudaStream(long handle) {
    /** The legacy default stream (handle 0). */
    public static final CudaStream DEFAULT = new CudaStream(0L);

    /** The stream with this raw handle. */
    public static CudaStream of(long handle) {
        return new CudaStream(handle);
    }

    @Override
    public String toString() {
        return handle == 0L ? "CudaStream[default]" : "CudaStream[0x" + Long.toHexString(handle) + "]";
    }
}
