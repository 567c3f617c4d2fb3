package dev.softsilhouette.ffm;

import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;

/**
 * The host's share of the computation, between the two device phases; O(N K), in double. Small batches allocate
 * nothing; large ones run rows in parallel chunks. Kept apart
 * from the device code so that tests run it against a plain-Java mirror of the kernels.
 */
final class HostMath {
    private HostMath() {
    }

    /**
     * Per row, in class-sorted order: s_p from the class sums and, when {@code coef} is not null,
     * {@code coef[p][c] = -w_p ds_p/d sums[p][c]}.
     *
     * @param sums        N x K doubles, class-sorted rows
     * @param labels      compact labels, caller's row order
     * @param sorted      caller's row of each class-sorted position
     * @param tau         temperature in the units of {@code sums}
     * @param rowWeights  N floats in the caller's order, or null
     * @param coef        N x K doubles to fill, or null (no gradient)
     * @param silhouettes receives s_p (class-sorted), length >= N
     * @param rowSums     scratch, length >= K
     * @param derivative  scratch, length >= K
     * @return sum of s_p in class-sorted order
     */
    static double rowSilhouettes(MemorySegment sums, int n, int k, int[] labels, int[] sorted, int[] offsets,
                                 double tau, double weight, MemorySegment rowWeights, MemorySegment coef,
                                 double[] silhouettes, double[] rowSums, double[] derivative) {
        if ((long) n * k >= PARALLEL_THRESHOLD && n >= 2 * PARALLEL_ROWS) {
            // Large batches: rows in parallel chunks (each with its own scratch); results per row are independent,
            // and the sum below runs in row order, so the outcome is bit-identical to the serial path. The caller's
            // row weights may be confined to this thread: they are read here, not in the workers. (sums and coef
            // are the workspace's shared-arena buffers.)
            MemorySegment weights = null;
            if (coef != null && rowWeights != null) {
                weights = MemorySegment.ofArray(new float[n]);
                for (int i = 0; i < n; i++) {
                    weights.setAtIndex(JAVA_FLOAT, i, rowWeights.getAtIndex(JAVA_FLOAT_UNALIGNED, i));
                }
            }
            MemorySegment sharedWeights = weights;
            int chunks = (n + PARALLEL_ROWS - 1) / PARALLEL_ROWS;
            java.util.stream.IntStream.range(0, chunks).parallel().forEach(chunk -> {
                double[] chunkSums = new double[k];
                double[] chunkDerivative = new double[k];
                int from = chunk * PARALLEL_ROWS;
                rows(sums, from, Math.min(n, from + PARALLEL_ROWS), k, labels, sorted, offsets, tau, weight,
                        sharedWeights, coef, silhouettes, chunkSums, chunkDerivative);
            });
        } else {
            rows(sums, 0, n, k, labels, sorted, offsets, tau, weight, rowWeights, coef, silhouettes, rowSums,
                    derivative);
        }
        double total = 0.0;
        for (int p = 0; p < n; p++) {
            total += silhouettes[p];
        }
        return total;
    }

    /** N * K from which the per-row step runs on the common fork-join pool (small batches stay allocation-free). */
    static final long PARALLEL_THRESHOLD = 1L << 20;
    /** Rows per parallel chunk. */
    static final int PARALLEL_ROWS = 256;

    private static void rows(MemorySegment sums, int from, int to, int k, int[] labels, int[] sorted, int[] offsets,
                             double tau, double weight, MemorySegment rowWeights, MemorySegment coef,
                             double[] silhouettes, double[] rowSums, double[] derivative) {
        for (int p = from; p < to; p++) {
            MemorySegment.copy(sums, JAVA_DOUBLE, (long) p * k * Double.BYTES, rowSums, 0, k);
            double s = SilhouetteMath.rowSilhouette(labels[sorted[p]], rowSums, 0, offsets, tau,
                    coef != null ? derivative : null, 0);
            silhouettes[p] = s;
            if (coef != null) {
                double w = weight * (rowWeights == null ? 1.0 : rowWeights.getAtIndex(JAVA_FLOAT_UNALIGNED, sorted[p]));
                for (int c = 0; c < k; c++) {
                    derivative[c] *= -w;
                }
                MemorySegment.copy(derivative, 0, coef, JAVA_DOUBLE, (long) p * k * Double.BYTES, k);
            }
        }
    }

    /**
     * The operands of the class-statistics backward (see ffm_prepare.cu): coefF = coef and scaledF = coef * n_c as
     * floats (SGEMM inputs), rowScale[p] = sum_c coef[p][c] n_c + sum_j coef[j][y_p] and ownCoef[p] = coef[p][y_p].
     *
     * @param columnSums scratch, length >= K
     */
    static void classStatOperands(MemorySegment coef, int n, int k, int[] offsets, int[] labels, int[] sorted,
                                  MemorySegment coefF, MemorySegment scaledF, MemorySegment rowScale,
                                  MemorySegment ownCoef, double[] columnSums) {
        java.util.Arrays.fill(columnSums, 0, k, 0.0);
        for (int p = 0; p < n; p++) {
            double weighted = 0.0;
            for (int c = 0; c < k; c++) {
                long e = (long) p * k + c;
                double value = coef.getAtIndex(JAVA_DOUBLE, e);
                double size = offsets[c + 1] - offsets[c];
                coefF.setAtIndex(JAVA_FLOAT, e, (float) value);
                scaledF.setAtIndex(JAVA_FLOAT, e, (float) (value * size));
                weighted += value * size;
                columnSums[c] += value;
            }
            rowScale.setAtIndex(JAVA_DOUBLE, p, weighted);
            ownCoef.setAtIndex(JAVA_DOUBLE, p, coef.getAtIndex(JAVA_DOUBLE, (long) p * k + labels[sorted[p]]));
        }
        for (int p = 0; p < n; p++) {
            int own = labels[sorted[p]];
            rowScale.setAtIndex(JAVA_DOUBLE, p, rowScale.getAtIndex(JAVA_DOUBLE, p) + columnSums[own]);
        }
    }

    /** Temperature in the units of the scaled sums: distances scale by {@code scale} (Euclidean) or its square. */
    static double scaledTau(double tau, boolean squared, boolean cosine, double scale) {
        if (cosine) {
            return tau;
        }
        return tau * (squared ? scale * scale : scale);
    }
}
