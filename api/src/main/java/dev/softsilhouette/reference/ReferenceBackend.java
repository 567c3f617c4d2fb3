package dev.softsilhouette.reference;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SPEC sections 2 to 5 written plainly in float64: every pair distance computed directly (no expanded forms, no
 * class statistics), per-class sums, the shared per-row math, then the gradient pair by pair. Memory O(N*K + N*D);
 * time O(N^2 D). It is the oracle every other backend is compared against, so it favours obviousness over speed.
 */
public final class ReferenceBackend implements SilhouetteBackend {

    @Override
    public String name() {
        return ReferenceBackendProvider.NAME;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                  MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut) {
        int n = batch.rows();
        int d = batch.dims();
        int k = batch.classCount();
        int[] y = batch.labels();
        int[] offsets = batch.classOffsets();

        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i][t] = batch.value(i, t);
            }
        }
        double[] norms = new double[n];
        double[][] unit = null;
        double[] floorCorrection = null;
        if (metric == Metric.COSINE) {
            unit = new double[n][d];
            floorCorrection = new double[n];
            for (int i = 0; i < n; i++) {
                double sq = 0;
                for (int t = 0; t < d; t++) {
                    sq += x[i][t] * x[i][t];
                }
                double norm = Math.sqrt(sq);
                norms[i] = Math.max(norm, Metric.COSINE_NORM_FLOOR);
                for (int t = 0; t < d; t++) {
                    unit[i][t] = x[i][t] / norms[i];
                }
                // A row at or above the floor was divided by its own norm: |u_i| = 1 by construction, correction 0.
                floorCorrection[i] = norm >= Metric.COSINE_NORM_FLOOR ? 0.0 : 0.5 * (1.0 - dot(unit[i], unit[i]));
            }
        }

        // sums[i][c] = sum over j != i of class c of d(x_i, x_j)
        double[] sums = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    sums[i * k + y[j]] += distance(metric, x, unit, floorCorrection, i, j);
                }
            }
        }

        // s_i, and coef[i][c] = dL/d(sums[i][c]) = -w_i * ds_i/d(sums[i][c])
        boolean gradient = gradientOut != null;
        double[] coef = gradient ? new double[n * k] : null;
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double s = SilhouetteMath.rowSilhouette(y[i], sums, i * k, offsets, tau, coef, i * k);
            total += s;
            if (silhouettesOut != null) {
                silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
            if (gradient) {
                double w = weight * (rowWeights == null ? 1.0 : rowWeights.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
                for (int c = 0; c < k; c++) {
                    coef[i * k + c] *= -w;
                }
            }
        }
        if (!gradient) {
            return total;
        }

        // Pair (i, j) enters sums[i][y_j] and sums[j][y_i]: dL/dd_ij collects both.
        double[] g = new double[d];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(g, 0.0);
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double dLdd = coef[i * k + y[j]] + coef[j * k + y[i]];
                if (dLdd != 0.0) {
                    addDistanceGradient(metric, x, unit, norms, i, j, dLdd, g);
                }
            }
            for (int t = 0; t < d; t++) {
                gradientOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + t, (float) g[t]);
            }
        }
        return total;
    }

    /**
     * The pair distance. {@code COSINE}'s {@code 1 - <u_i, u_j>} is written as
     * {@code |u_i - u_j|^2 / 2 + c_i + c_j} with {@code c_i = (1 - |u_i|^2) / 2}, exactly 0 for rows at or above the
     * norm floor: the same value, but identical rows give exactly 0 (not rounding noise), so the max(a, b) = 0
     * convention applies to them as SPEC section 3 says.
     */
    private static double distance(Metric metric, double[][] x, double[][] unit, double[] floorCorrection, int i,
                                   int j) {
        return switch (metric) {
            case EUCLIDEAN -> Math.sqrt(squaredDistance(x[i], x[j]));
            case SQUARED_EUCLIDEAN -> squaredDistance(x[i], x[j]);
            case COSINE -> 0.5 * squaredDistance(unit[i], unit[j]) + floorCorrection[i] + floorCorrection[j];
        };
    }

    /** g += scale * d d(x_i, x_j) / d x_i (SPEC section 5). */
    private static void addDistanceGradient(Metric metric, double[][] x, double[][] unit, double[] norms, int i, int j,
                                            double scale, double[] g) {
        int d = g.length;
        switch (metric) {
            case EUCLIDEAN -> {
                double dist = Math.sqrt(squaredDistance(x[i], x[j]));
                if (dist > 0.0) {
                    for (int t = 0; t < d; t++) {
                        g[t] += scale * (x[i][t] - x[j][t]) / dist;
                    }
                }
            }
            case SQUARED_EUCLIDEAN -> {
                for (int t = 0; t < d; t++) {
                    g[t] += scale * 2.0 * (x[i][t] - x[j][t]);
                }
            }
            case COSINE -> {
                double cos = dot(unit[i], unit[j]);
                for (int t = 0; t < d; t++) {
                    g[t] -= scale * (unit[j][t] - cos * unit[i][t]) / norms[i];
                }
            }
        }
    }

    private static double squaredDistance(double[] u, double[] v) {
        double sum = 0.0;
        for (int t = 0; t < u.length; t++) {
            double diff = u[t] - v[t];
            sum += diff * diff;
        }
        return sum;
    }

    private static double dot(double[] u, double[] v) {
        double sum = 0.0;
        for (int t = 0; t < u.length; t++) {
            sum += u[t] * v[t];
        }
        return sum;
    }
}
