package dev.softsilhouette;

/**
 * float32 values in GPU memory: a CUDA device address and how many floats the allocation holds from there, for the
 * GPU-resident calls of {@link SoftSilhouetteLoss} (a framework that keeps its embeddings on the GPU passes them as
 * they are; nothing is copied to the host). The address is one the GPU backend's context can use: memory of the
 * device it runs on ({@code silhouette.cuda.device}, default 0), allocated in that device's primary context (as the
 * CUDA runtime, PyTorch and ND4J allocate), or managed memory. Row-major, contiguous, 4-byte aligned.
 *
 * <p>What a call can check without reading the device, it checks before any work is queued: a zero address, an
 * address that is not 4-byte aligned, a length below what the shape needs, and a gradient that overlaps the
 * embeddings are {@link IllegalArgumentException}s naming the argument. An address that is not device memory of that
 * context is not detectable beforehand: the driver's failure is thrown as the backend's failure.
 *
 * @param address the device address of the first float ({@code CUdeviceptr}, e.g. {@code tensor.data_ptr()})
 * @param length  how many floats the caller's allocation holds from {@code address}
 */
public record DeviceFloats(long address, long length) {

    /** The {@code length} floats at device address {@code address}. */
    public static DeviceFloats of(long address, long length) {
        return new DeviceFloats(address, length);
    }

    /** The byte after the last of {@code count} floats (the end of the range a call uses). */
    long end(long count) {
        return address + count * Float.BYTES;
    }

    @Override
    public String toString() {
        return "DeviceFloats[0x" + Long.toHexString(address) + ", " + length + "]";
    }
}
