package dev.softsilhouette.spi;

import dev.softsilhouette.Metric;

import java.lang.foreign.MemorySegment;

/**
 * The math of one backend, on prepared batches only. Every argument has been validated by the API layer: shapes and
 * buffer lengths match, embeddings are finite, tau is {@code >= 0}, outputs are writable and overlap no input.
 *
 * <p>Instances are shared by every loss object and thread that selects the backend: calls may run concurrently, and
 * a backend keeps its workspaces per thread (or pooled). Outputs are overwritten, never accumulated into, and are
 * written only once the computation has succeeded.
 */
public interface SilhouetteBackend extends AutoCloseable {

    /** The provider name. */
    String name();

    /**
     * Computes the soft silhouette {@code s_i} of every row (SPEC section 3; {@code tau = 0} is the hard silhouette).
     *
     * @param silhouettesOut N float32 values in the caller's row order, or {@code null} when only the sum is needed
     * @return {@code sum_i s_i}, accumulated in a fixed order (bit-identical run to run)
     */
    default double silhouettes(PreparedBatch batch, Metric metric, double tau, MemorySegment silhouettesOut) {
        return silhouettesAndGradient(batch, metric, tau, 0.0, null, silhouettesOut, null);
    }

    /**
     * Computes {@code s_i} and the gradient {@code G = d/dX sum_i w_i (1 - s_i) = -sum_i w_i ds_i/dX}
     * (SPEC section 5), where {@code w_i = weight * rowWeights[i]}, or {@code weight} when {@code rowWeights} is
     * {@code null}.
     *
     * @param rowWeights     N float32 values in the caller's row order, or {@code null}
     * @param silhouettesOut N float32 values, or {@code null}
     * @param gradientOut    N*D float32 values, row-major, caller's row order; overwritten. {@code null}: the forward
     *                       only (what {@link #silhouettes} asks for), and {@code weight}, {@code rowWeights} unused
     * @return {@code sum_i s_i}
     */
    double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                  MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut);

    /** Releases native resources. The registry's shared instances live as long as the JVM. */
    @Override
    default void close() {
    }
}
