package dev.softsilhouette.conformance;

/**
 * SPEC section 11 written literally in float64, for the SupCon properties: nested loops, {@code log(exp(s_ip) / sum_a
 * exp(s_ia))} as written (no max subtraction: with |cos| <= 1 and the kit's temperatures the exponentials stay
 * finite). Shares no code with the api module's {@code ReferenceSupCon}.
 */
public final class SupConLiteral {
    private SupConLiteral() {
    }

    /** The N values {@code l_i} of row-major float64 rows {@code x} (N = labels.length). */
    public static double[] perAnchor(double[] x, int[] labels, int d, double temperature, double baseTemperature) {
        int n = labels.length;
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int t = 0; t < d; t++) {
                sq += x[i * d + t] * x[i * d + t];
            }
            double norm = Math.max(Math.sqrt(sq), 1e-12);
            for (int t = 0; t < d; t++) {
                z[i][t] = x[i * d + t] / norm;
            }
        }
        double[] l = new double[n];
        for (int i = 0; i < n; i++) {
            double denominator = 0;
            for (int a = 0; a < n; a++) {
                if (a != i) {
                    denominator += Math.exp(dot(z[i], z[a]) / temperature);
                }
            }
            double sum = 0;
            int positives = 0;
            for (int p = 0; p < n; p++) {
                if (p != i && labels[p] == labels[i]) {
                    sum += Math.log(Math.exp(dot(z[i], z[p]) / temperature) / denominator);
                    positives++;
                }
            }
            l[i] = positives == 0 ? 0.0 : -(temperature / baseTemperature) * sum / positives;
        }
        return l;
    }

    /** {@code sum_i w_i l_i}. */
    public static double weighted(double[] x, int[] labels, int d, double temperature, double baseTemperature,
                                  double[] weights) {
        double[] l = perAnchor(x, labels, d, temperature, baseTemperature);
        double sum = 0;
        for (int i = 0; i < l.length; i++) {
            sum += weights[i] * l[i];
        }
        return sum;
    }

    /**
     * The scale of SPEC section 8's {@code G_abs} for SupCon: the Frobenius norm over rows of
     * {@code (1/|x_i|) sum_j (|a_i| (p_ij + [j in P(i)]/|P(i)|) + |a_j| (p_ji + [i in P(j)]/|P(j)|))}, the magnitudes of
     * the terms of {@code dL/dz_i = sum_j B_ij z_j}, {@code B_ij = a_i (p_ij - [j in P(i)]/|P(i)|) + a_j (p_ji - [i in
     * P(j)]/|P(j)|)}, {@code a_i = w_i (T/T_b)/T}. The gradient is their cancellation twice over: a softmax weight
     * near 1 against 1/|P(i)| (two well-separated positives), and the projection through the normalisation (which
     * removes all of it when D = 1). A float32 kernel can only be accurate relative to what it sums.
     */
    public static double absoluteGradientNorm(double[] x, int[] labels, int d, double temperature,
                                              double baseTemperature, double[] weights) {
        int n = labels.length;
        double[][] z = new double[n][d];
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int t = 0; t < d; t++) {
                sq += x[i * d + t] * x[i * d + t];
            }
            norms[i] = Math.max(Math.sqrt(sq), 1e-12);
            for (int t = 0; t < d; t++) {
                z[i][t] = x[i * d + t] / norms[i];
            }
        }
        double[] lse = new double[n];
        int[] positives = new int[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int a = 0; a < n; a++) {
                if (a != i) {
                    sum += Math.exp(dot(z[i], z[a]) / temperature);
                    positives[i] += labels[a] == labels[i] ? 1 : 0;
                }
            }
            lse[i] = Math.log(sum);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double s = dot(z[i], z[j]) / temperature;
                boolean positive = labels[i] == labels[j];
                if (positives[i] > 0) {
                    row += Math.abs(weights[i]) * (Math.exp(s - lse[i]) + (positive ? 1.0 / positives[i] : 0.0));
                }
                if (positives[j] > 0) {
                    row += Math.abs(weights[j]) * (Math.exp(s - lse[j]) + (positive ? 1.0 / positives[j] : 0.0));
                }
            }
            row *= (temperature / baseTemperature) / temperature / norms[i];
            total += row * row;
        }
        return Math.sqrt(total);
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int t = 0; t < u.length; t++) {
            s += u[t] * v[t];
        }
        return s;
    }
}
