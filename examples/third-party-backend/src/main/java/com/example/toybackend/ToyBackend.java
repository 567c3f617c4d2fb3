package com.example.toybackend;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A toy backend: every pair distance in float64, the per-class sums, the shared per-row math of the SPI
 * ({@link SilhouetteMath}), then the gradient pair by pair. O(N^2 D) time, O(N D + N K) memory: correct, not fast.
 * The API has validated everything and prepared the labels before a call reaches it.
 */
final class ToyBackend implements SilhouetteBackend {
    private static final double COSINE_NORM_FLOOR = 1e-12;
    private final String name;
    private final boolean forgetSymmetricTerm;

    ToyBackend(String name, boolean forgetSymmetricTerm) {
        this.name = name;
        this.forgetSymmetricTerm = forgetSymmetricTerm;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                         MemorySegment rowWeights, MemorySegment silhouettesOut,
                                         MemorySegment gradientOut) {
        int n = batch.rows();
        int d = batch.dims();
        int k = batch.classCount();
        int[] y = batch.labels();
        Rows rows = new Rows(batch, metric);

        // sums[i*k + c]: the sum of d(x_i, x_j) over the rows j != i of class c.
        double[] sums = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    sums[i * k + y[j]] += rows.distance(i, j);
                }
            }
        }
        // coef[i*k + c] = dL / d sums[i*k + c] = -w_i * ds_i / d sums[i*k + c]
        double[] coef = gradientOut == null ? null : new double[n * k];
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double s = SilhouetteMath.rowSilhouette(y[i], sums, i * k, batch.classOffsets(), tau, coef, i * k);
            total += s;
            if (silhouettesOut != null) {
                silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
            if (coef != null) {
                double w = weight * (rowWeights == null ? 1.0
                        : rowWeights.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
                for (int c = 0; c < k; c++) {
                    coef[i * k + c] *= -w;
                }
            }
        }
        if (gradientOut == null) {
            return total;
        }
        // d_ij enters s_i (through sums[i][y_j]) and s_j (through sums[j][y_i]).
        double[] g = new double[d];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(g, 0.0);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double dLdd = coef[i * k + y[j]] + (forgetSymmetricTerm ? 0.0 : coef[j * k + y[i]]);
                    rows.addDistanceGradient(i, j, dLdd, g);
                }
            }
            for (int t = 0; t < d; t++) {
                gradientOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + t, (float) g[t]);
            }
        }
        return total;
    }

    /** The rows in float64 (unit rows for COSINE) and the pair distance with its derivative. */
    private static final class Rows {
        private final Metric metric;
        private final double[][] x;
        private final double[] norms;
        /** COSINE: (1 - |u_i|^2) / 2, nonzero only below the norm floor; 1 - <u_i, u_j> = |u_i - u_j|^2/2 + c_i + c_j. */
        private final double[] floorTerm;

        Rows(PreparedBatch batch, Metric metric) {
            this.metric = metric;
            int n = batch.rows();
            int d = batch.dims();
            x = new double[n][d];
            norms = new double[n];
            floorTerm = new double[n];
            for (int i = 0; i < n; i++) {
                double sq = 0.0;
                for (int t = 0; t < d; t++) {
                    x[i][t] = batch.value(i, t);
                    sq += x[i][t] * x[i][t];
                }
                if (metric == Metric.COSINE) {
                    // Written as a squared distance, identical rows give exactly 0, as the max(a, b) = 0 convention needs.
                    norms[i] = Math.max(Math.sqrt(sq), COSINE_NORM_FLOOR);
                    double unitSq = 0.0;
                    for (int t = 0; t < d; t++) {
                        x[i][t] /= norms[i];
                        unitSq += x[i][t] * x[i][t];
                    }
                    floorTerm[i] = Math.sqrt(sq) >= COSINE_NORM_FLOOR ? 0.0 : 0.5 * (1.0 - unitSq);
                }
            }
        }

        double distance(int i, int j) {
            double sq = 0.0;
            for (int t = 0; t < x[i].length; t++) {
                double diff = x[i][t] - x[j][t];
                sq += diff * diff;
            }
            return switch (metric) {
                case EUCLIDEAN -> Math.sqrt(sq);
                case SQUARED_EUCLIDEAN -> sq;
                case COSINE -> 0.5 * sq + floorTerm[i] + floorTerm[j];
            };
        }

        /** g += scale * d d(x_i, x_j) / d x_i. */
        void addDistanceGradient(int i, int j, double scale, double[] g) {
            if (scale == 0.0) {
                return;
            }
            switch (metric) {
                case EUCLIDEAN -> {
                    double dist = distance(i, j);
                    for (int t = 0; dist > 0.0 && t < g.length; t++) {
                        g[t] += scale * (x[i][t] - x[j][t]) / dist;
                    }
                }
                case SQUARED_EUCLIDEAN -> {
                    for (int t = 0; t < g.length; t++) {
                        g[t] += scale * 2.0 * (x[i][t] - x[j][t]);
                    }
                }
                case COSINE -> {
                    double cos = 0.0;
                    for (int t = 0; t < g.length; t++) {
                        cos += x[i][t] * x[j][t];
                    }
                    for (int t = 0; t < g.length; t++) {
                        g[t] -= scale * (x[j][t] - cos * x[i][t]) / norms[i];
                    }
                }
            }
        }
    }
}
