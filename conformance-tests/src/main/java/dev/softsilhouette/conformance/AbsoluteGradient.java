package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.SilhouetteMath;

import java.util.Arrays;

/**
 * G_abs of SPEC section 8: the element-wise sum over samples of {@code |w_i * dl_i/dX|}, in float64. It is what a
 * float32 kernel sums, so it sets the scale of its rounding error: the gradient of a mean can cancel to nearly 0
 * (three collinear rows, a singleton between the other two) while each per-sample term is of size 1/a.
 *
 * <p>The per-row derivative {@code ds_i / d(sum of distances to class k)} comes from the reference's
 * {@link SilhouetteMath} (the one home of SPEC sections 3 and 5 per row); this class only spreads it over the pair
 * distances, keeping each sample's contribution apart: sample i puts {@code c_i,y_j * dd_ij/dx_j} on row j and
 * {@code sum_j c_i,y_j * dd_ij/dx_i} on its own row. O(N^2 D), like the reference.
 */
final class AbsoluteGradient {
    private AbsoluteGradient() {
    }

    /** ||G_abs|| (Frobenius) with the same weight w for every row (MEAN: 1/N times the upstream, SUM: the upstream). */
    static double norm(Problem p, double weight) {
        double[] weights = new double[p.n()];
        Arrays.fill(weights, weight);
        return norm(p, weights);
    }

    /** ||G_abs|| (Frobenius) with per-row weights w_i (NONE: the upstream g_i). */
    static double norm(Problem p, float[] weights) {
        double[] w = new double[weights.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[i];
        }
        return norm(p, w);
    }

    static double norm(Problem p, double[] weights) {
        double sq = 0.0;
        for (double v : of(p, weights)) {
            sq += v * v;
        }
        return Math.sqrt(sq);
    }

    /** G_abs, N*D values, row-major. */
    static double[] of(Problem p, double[] weights) {
        int n = p.n();
        int d = p.d();
        double[] x = LiteralDefinition.widen(p.x());
        int[] classes = LiteralDefinition.classesPresent(p.labels());
        int k = classes.length;
        int[] y = new int[n];
        int[] offsets = new int[k + 1];
        for (int i = 0; i < n; i++) {
            y[i] = Arrays.binarySearch(classes, p.labels()[i]);
            offsets[y[i] + 1]++;
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        double[] sums = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    sums[i * k + y[j]] += LiteralDefinition.distance(p.metric(), x, d, i, j);
                }
            }
        }
        double[] coef = new double[n * k];
        for (int i = 0; i < n; i++) {
            SilhouetteMath.rowSilhouette(y[i], sums, i * k, offsets, p.tau(), coef, i * k);
        }

        double[] out = new double[n * d];
        double[] own = new double[d];
        double[] pair = new double[d];
        for (int i = 0; i < n; i++) {
            Arrays.fill(own, 0.0);
            for (int j = 0; j < n; j++) {
                double c = weights[i] * coef[i * k + y[j]];
                if (j == i || c == 0.0) {
                    continue;
                }
                pairDerivative(p.metric(), x, d, i, j, pair);
                for (int t = 0; t < d; t++) {
                    own[t] += c * pair[t];
                }
                pairDerivative(p.metric(), x, d, j, i, pair);
                for (int t = 0; t < d; t++) {
                    out[j * d + t] += Math.abs(c * pair[t]);
                }
            }
            for (int t = 0; t < d; t++) {
                out[i * d + t] += Math.abs(own[t]);
            }
        }
        return out;
    }

    /** out = d d(x_i, x_j) / d x_i, the table of SPEC section 5. */
    private static void pairDerivative(Metric metric, double[] x, int d, int i, int j, double[] out) {
        switch (metric) {
            case EUCLIDEAN -> {
                double dist = LiteralDefinition.distance(Metric.EUCLIDEAN, x, d, i, j);
                for (int t = 0; t < d; t++) {
                    out[t] = dist > 0.0 ? (x[i * d + t] - x[j * d + t]) / dist : 0.0;
                }
            }
            case SQUARED_EUCLIDEAN -> {
                for (int t = 0; t < d; t++) {
                    out[t] = 2.0 * (x[i * d + t] - x[j * d + t]);
                }
            }
            case COSINE -> {
                double ni = Math.max(LiteralDefinition.norm(x, d, i), 1e-12);
                double nj = Math.max(LiteralDefinition.norm(x, d, j), 1e-12);
                double cos = 0.0;
                for (int t = 0; t < d; t++) {
                    cos += (x[i * d + t] / ni) * (x[j * d + t] / nj);
                }
                for (int t = 0; t < d; t++) {
                    out[t] = -(x[j * d + t] / nj - cos * x[i * d + t] / ni) / ni;
                }
            }
        }
    }
}
