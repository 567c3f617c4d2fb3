package dev.softsilhouette.reference;

import dev.softsilhouette.Metric;

/**
 * SPEC section 11 written plainly in float64: rows normalised, every similarity computed directly, each anchor's
 * log-sum-exp with max subtraction (two passes over its row: the maximum, then the sum), the gradient pair by pair and
 * back through the normalisation. Memory O(N*D); time O(N^2 D). The oracle for every other SupCon kernel.
 */
public final class ReferenceSupCon {
    private ReferenceSupCon() {
    }

    /**
     * @param rows         N rows of D values
     * @param classes      compact class of each row
     * @param rowWeights   {@code w_i}, or null for {@code weight} on every row
     * @param lossesOut    N values {@code l_i}, or null
     * @param gradientOut  N*D values, overwritten with {@code d/dX sum_i w_i l_i}; or null for the forward only
     * @return {@code sum_i l_i}
     */
    public static double compute(double[][] rows, int[] classes, double temperature, double baseTemperature,
                                 double weight, double[] rowWeights, double[] lossesOut, double[] gradientOut) {
        int n = rows.length;
        int d = rows[0].length;
        double[] norms = new double[n];
        double[][] z = normalised(rows, norms);
        int[] positives = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i && classes[j] == classes[i]) {
                    positives[i]++;
                }
            }
        }
        double scale = temperature / baseTemperature;
        double[] logSumExp = new double[n];
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    max = Math.max(max, dot(z[i], z[j]) / temperature);
                }
            }
            double sum = 0.0;
            double positiveSum = 0.0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double s = dot(z[i], z[j]) / temperature;
                    sum += Math.exp(s - max);
                    if (classes[j] == classes[i]) {
                        positiveSum += s;
                    }
                }
            }
            logSumExp[i] = max + Math.log(sum);
            // An anchor without a positive contributes 0 (and still counts in a mean), as in SupContrast's losses.py.
            double loss = positives[i] == 0 ? 0.0 : scale * (logSumExp[i] - positiveSum / positives[i]);
            total += loss;
            if (lossesOut != null) {
                lossesOut[i] = loss;
            }
        }
        if (gradientOut == null) {
            return total;
        }
        // a_i = w_i (T/T_b) / T; dL/dz_i = sum_j B_ij z_j with
        // B_ij = a_i (p_ij - [j in P(i)]/|P(i)|) + a_j (p_ji - [i in P(j)]/|P(j)|), p_ij = exp(s_ij - LSE_i).
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            double w = weight * (rowWeights == null ? 1.0 : rowWeights[i]);
            a[i] = positives[i] == 0 ? 0.0 : w * scale / temperature;
        }
        double[] g = new double[d];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(g, 0.0);
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = dot(z[i], z[j]) / temperature;
                boolean positive = classes[j] == classes[i];
                double b = a[i] * (Math.exp(s - logSumExp[i]) - (positive ? 1.0 / positives[i] : 0.0))
                        + a[j] * (Math.exp(s - logSumExp[j]) - (positive ? 1.0 / positives[j] : 0.0));
                for (int t = 0; t < d; t++) {
                    g[t] += b * z[j][t];
                }
            }
            throughNormalisation(rows[i], z[i], norms[i], g, gradientOut, i * d);
        }
        return total;
    }

    /** {@code z_i = x_i / max(|x_i|, 1e-12)}; {@code norms[i]} receives {@code |x_i|}. */
    static double[][] normalised(double[][] rows, double[] norms) {
        int n = rows.length;
        int d = rows[0].length;
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            norms[i] = Math.sqrt(dot(rows[i], rows[i]));
            double divisor = Math.max(norms[i], Metric.COSINE_NORM_FLOOR);
            for (int t = 0; t < d; t++) {
                z[i][t] = rows[i][t] / divisor;
            }
        }
        return z;
    }

    /**
     * {@code out = dz_i/dx_i^T g}: {@code (g - <g, z_i> z_i) / |x_i|} above the norm floor, where {@code z_i} is
     * {@code x_i} divided by its own norm; {@code g / 1e-12} below it, where {@code z_i} is {@code x_i / 1e-12}.
     */
    static void throughNormalisation(double[] x, double[] z, double norm, double[] g, double[] out, int outOff) {
        int d = g.length;
        if (norm >= Metric.COSINE_NORM_FLOOR) {
            double radial = dot(g, z);
            for (int t = 0; t < d; t++) {
                out[outOff + t] = (g[t] - radial * z[t]) / norm;
            }
        } else {
            for (int t = 0; t < d; t++) {
                out[outOff + t] = g[t] / Metric.COSINE_NORM_FLOOR;
            }
        }
    }

    private static double dot(double[] u, double[] v) {
        return ReferenceBackend.dot(u, v);
    }
}
