package dev.softsilhouette.spi;

import dev.softsilhouette.Metric;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The block decomposition of SPEC section 12 in plain float64: what the default methods of
 * {@link SilhouetteBackend} compute (so the {@code reference} backend and the GPU backends run it as it is), and the
 * per-row and per-class rules every native implementation shares, so that they cannot drift apart.
 *
 * <p>Class statistics ({@code SQUARED_EUCLIDEAN}, {@code COSINE}; see {@link ClassTable}): with the class mean
 * {@code m_k = S_k / n_k} and scatter {@code W_k = Q_k - n_k |m_k|^2} (both about the common shift), the sum of
 * squared distances of a centred row {@code v'} to the rows of class k is {@code n_k |v' - m_k|^2 + W_k}, with
 * {@code |v' - m_k|^2} computed as a difference (no cancellation however far the class is from the row). Under
 * {@code COSINE}, {@code 1 - <u_i, u_j> = |u_i - u_j|^2 / 2 + c_i + c_j}, the difference form that keeps nearly
 * parallel rows precise ({@link ClassMeans}). Cost: O(D) per row to prepare it, O(K*D) per row for its sums.
 */
public final class BlockMath {
    private BlockMath() {
    }

    // ------------------------------------------------------------------ shared rules

    /**
     * The row as the class statistics see it: {@code v - h} into {@code out[0..d)}, where {@code v} is the row
     * ({@code SQUARED_EUCLIDEAN}) or its unit row ({@code COSINE}).
     *
     * @return the row's floor correction {@code c_i = (1 - |u_i|^2) / 2} under {@code COSINE} (exactly 0 when its
     *         norm is at least {@link Metric#COSINE_NORM_FLOOR}); 0 for {@code SQUARED_EUCLIDEAN}
     */
    public static double centredRow(Metric metric, MemorySegment x, int row, int d, double[] shift, double[] out) {
        long base = (long) row * d;
        for (int t = 0; t < d; t++) {
            out[t] = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, base + t);
        }
        double correction = 0.0;
        if (metric == Metric.COSINE) {
            double sq = 0.0;
            for (int t = 0; t < d; t++) {
                sq += out[t] * out[t];
            }
            double norm = Math.sqrt(sq);
            double floored = Math.max(norm, Metric.COSINE_NORM_FLOOR);
            double unitSq = 0.0;
            for (int t = 0; t < d; t++) {
                out[t] /= floored;
                unitSq += out[t] * out[t];
            }
            // Divided by its own norm, a row is a unit row by construction: the correction is 0, not rounding noise.
            correction = norm >= Metric.COSINE_NORM_FLOOR ? 0.0 : 0.5 * (1.0 - unitSq);
        }
        for (int t = 0; t < d; t++) {
            out[t] -= shift[t];
        }
        return correction;
    }

    // ------------------------------------------------------------------ the default implementations

    /** Adds the block's S_k, Q_k and C_k into {@code into} (its counts are already there). */
    public static void addClassStatistics(PreparedBlock block, Metric metric, ClassTable into) {
        int d = block.dims();
        double[] v = new double[d];
        double[] sums = into.sums();
        double[] squaredNorms = into.squaredNorms();
        double[] corrections = into.floorCorrections();
        int[] classes = block.classes();
        for (int i = 0; i < block.rows(); i++) {
            double c = centredRow(metric, block.embeddings(), i, d, into.shift(), v);
            int k = classes[i];
            double sq = 0.0;
            for (int t = 0; t < d; t++) {
                sums[k * d + t] += v[t];
                sq += v[t] * v[t];
            }
            squaredNorms[k] += sq;
            corrections[k] += c;
        }
    }

    /** s_i of every row of the block against the merged statistics; returns their sum in row order. */
    public static double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                                          MemorySegment silhouettesOut) {
        int d = block.dims();
        int classCount = statistics.classCount();
        ClassMeans classMeans = new ClassMeans();
        classMeans.load(metric, statistics);
        double[] means = classMeans.means();
        double[] v = new double[d];
        double[] sums = new double[classCount];
        int[] classes = block.classes();
        double total = 0.0;
        for (int i = 0; i < block.rows(); i++) {
            double c = centredRow(metric, block.embeddings(), i, d, statistics.shift(), v);
            double sq = 0.0;
            for (int t = 0; t < d; t++) {
                sq += v[t] * v[t];
            }
            for (int k = 0; k < classCount; k++) {
                double e = 0.0;
                for (int t = 0; t < d; t++) {
                    double diff = v[t] - means[k * d + t];
                    e += diff * diff;
                }
                sums[k] = e;
            }
            classMeans.toDistanceSums(classes[i], sq, c, sums);
            double s = SilhouetteMath.rowSilhouette(classes[i], sums, 0, statistics.classOffsets(), tau, null, 0);
            total += s;
            if (silhouettesOut != null) {
                silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
        }
        return total;
    }

    /**
     * {@code rowSums[i*K + y_j] += d(x_i, x_j)} and {@code columnSums[j*K + y_i] += d(x_i, x_j)} for every row i of
     * {@code rows} and j of {@code columns} (Euclidean, each pair computed once).
     */
    public static void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums,
                                        double[] columnSums) {
        int k = rows.classCount();
        int d = rows.dims();
        double[] xi = new double[d];
        int[] rowClasses = rows.classes();
        int[] columnClasses = columns.classes();
        for (int i = 0; i < rows.rows(); i++) {
            load(rows, i, xi);
            for (int j = 0; j < columns.rows(); j++) {
                double dist = distance(xi, columns, j);
                rowSums[i * k + columnClasses[j]] += dist;
                columnSums[j * k + rowClasses[i]] += dist;
            }
        }
    }

    /** {@code sums[i*K + y_j] += d(x_i, x_j)} for every ordered pair of distinct rows of the block (Euclidean). */
    public static void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        int k = block.classCount();
        int d = block.dims();
        double[] xi = new double[d];
        int[] classes = block.classes();
        for (int i = 0; i < block.rows(); i++) {
            load(block, i, xi);
            for (int j = i + 1; j < block.rows(); j++) {
                double dist = distance(xi, block, j);
                sums[i * k + classes[j]] += dist;
                sums[j * k + classes[i]] += dist;
            }
        }
    }

    private static void load(PreparedBlock block, int row, double[] out) {
        for (int t = 0; t < out.length; t++) {
            out[t] = block.value(row, t);
        }
    }

    private static double distance(double[] xi, PreparedBlock block, int j) {
        double sq = 0.0;
        for (int t = 0; t < xi.length; t++) {
            double diff = xi[t] - block.value(j, t);
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }
}
