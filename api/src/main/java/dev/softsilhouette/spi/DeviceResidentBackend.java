package dev.softsilhouette.spi;

import dev.softsilhouette.Metric;

import java.lang.foreign.MemorySegment;

/**
 * An optional capability on top of {@link SilhouetteBackend}: embeddings that stay in GPU memory ({@link DeviceBatch})
 * and a gradient written to GPU memory, with no copy of either through the host. The GPU backends ({@code cuda},
 * {@code ffm-cublas}) implement it; {@code SoftSilhouetteLoss}'s {@code DeviceFloats} calls refuse a backend that
 * does not.
 *
 * <p>The API layer has checked everything it can without reading the device (shapes, lengths, non-zero and aligned
 * addresses, an output that overlaps the embeddings, the labels) and prepared the labels. The backend checks on the
 * device, before it writes anything of the caller's, that every embedding is finite; the first value that is not
 * is an {@link IllegalArgumentException} worded by {@link InputErrors#notFinite} (as the host path words it). Its
 * work is ordered after what the caller queued on {@link DeviceBatch#stream()} before the call, and the caller's
 * later work on that stream after its writes; the call returns once the result is known. Outputs are written only
 * once every check passed; same rules as {@link SilhouetteBackend} otherwise.
 */
public interface DeviceResidentBackend extends SilhouetteBackend {

    /**
     * {@code s_i} and {@code G = -sum_i w_i ds_i/dX} with {@code w_i = weight}, as
     * {@link SilhouetteBackend#silhouettesAndGradient} computes them, for embeddings in GPU memory.
     *
     * @param silhouettesOut N float32 values in host memory, caller's row order, or {@code null}
     * @param gradientOut    the device address of N*D float32 values, overwritten; or 0 for the forward only
     * @return {@code sum_i s_i}, accumulated in the caller's row order
     */
    double silhouettesAndGradientOnDevice(DeviceBatch batch, Metric metric, double tau, double weight,
                                          MemorySegment silhouettesOut, long gradientOut);
}
