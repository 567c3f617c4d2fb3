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

    // ---------------------------------------------------------------- block decomposition (SPEC section 12)
    //
    // Every argument has been validated by the API layer (dev.softsilhouette.BlockSilhouette): shapes, finite rows,
    // class indices within the common table, statistics of the same dims and shift. The defaults compute in plain
    // float64 (BlockMath): the reference backend's implementation, and what a backend that does not override them
    // (the GPU backends) runs, on the CPU. Overrides must agree with them to 1e-6 in s_i (float64 accumulation).

    /**
     * Adds the block's class statistics ({@code S_k}, {@code Q_k}, {@code C_k} of {@link ClassTable}) into
     * {@code statistics}, whose counts the API layer has already filled in.
     */
    default void addClassStatistics(PreparedBlock block, Metric metric, ClassTable statistics) {
        BlockMath.addClassStatistics(block, metric, statistics);
    }

    /**
     * s_i of every row of the block under {@code SQUARED_EUCLIDEAN} or {@code COSINE}, from the statistics merged
     * over every block (O(rows*K*D)).
     *
     * @param silhouettesOut {@code block.rows()} float32 values in the block's row order, or {@code null}
     * @return {@code sum_i s_i} over the block, accumulated in a fixed order
     */
    default double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                                    MemorySegment silhouettesOut) {
        return BlockMath.blockSilhouettes(block, metric, tau, statistics, silhouettesOut);
    }

    /**
     * {@code EUCLIDEAN} distance sums of two distinct blocks, both directions from one pass over the pairs:
     * {@code rowSums[i*K + y_j] += d(x_i, x_j)} and {@code columnSums[j*K + y_i] += d(x_i, x_j)} for every row i of
     * {@code rows} and j of {@code columns}, K = {@link PreparedBlock#classCount()}. Added to, in float64.
     */
    default void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        BlockMath.addEuclideanSums(rows, columns, rowSums, columnSums);
    }

    /** The diagonal tile: {@code sums[i*K + y_j] += d(x_i, x_j)} for every ordered pair of distinct rows. */
    default void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        BlockMath.addEuclideanSumsWithin(block, sums);
    }

    /**
     * Stops the backend's threads and frees its workspaces and native memory. The registry calls it once, when the
     * last lease on the instance is closed, after every call through those leases has returned; it never calls the
     * instance again afterwards.
     */
    @Override
    default void close() {
    }
}
