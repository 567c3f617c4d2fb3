package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;

import java.util.Arrays;

/**
 * One generated input: N rows of D float32 values (row-major, exactly N*D of them), N labels, a metric and a
 * temperature. Shapes are always consistent; the arrays are never modified by the properties (they copy).
 *
 * @param n      rows
 * @param d      columns
 * @param x      the embeddings, length n*d
 * @param labels the labels, length n, each >= 0
 * @param metric the metric
 * @param tau    the temperature, >= 0
 * @param origin how the generator made it (reported on failure)
 */
public record Problem(int n, int d, float[] x, int[] labels, Metric metric, double tau, String origin) {

    public Problem {
        if (x.length != (long) n * d || labels.length != n) {
            throw new IllegalArgumentException("inconsistent problem: n=" + n + " d=" + d + " x.length=" + x.length
                    + " labels.length=" + labels.length);
        }
    }

    public Problem withX(float[] newX, String how) {
        return new Problem(n, d, newX, labels, metric, tau, origin + ", " + how);
    }

    public Problem withLabels(int[] newLabels, String how) {
        return new Problem(n, d, x, newLabels, metric, tau, origin + ", " + how);
    }

    public Problem withTau(double newTau) {
        return new Problem(n, d, x, labels, metric, newTau, origin);
    }

    public Problem withMetric(Metric newMetric) {
        return new Problem(n, d, x, labels, newMetric, tau, origin);
    }

    /** Number of distinct labels. */
    public int classCount() {
        return (int) Arrays.stream(labels).distinct().count();
    }

    /** Whether the hard score is defined (SPEC section 7: 2 to n-1 classes). */
    public boolean scorable() {
        int k = classCount();
        return k >= 2 && k <= n - 1;
    }

    /**
     * SPEC section 8's precondition: no near-duplicate rows, i.e. every pair of rows is at Euclidean distance
     * {@code >= 1e-3} times the largest pair distance. For {@link Metric#COSINE}, which sees only directions, the
     * rows are the unit-normalised rows.
     */
    public boolean rowsAreWellSeparated() {
        return minOverMaxPairDistance() >= 1e-3;
    }

    /** min / max of the pair distances used by {@link #rowsAreWellSeparated()}; +infinity for one row. */
    public double minOverMaxPairDistance() {
        if (n < 2) {
            return Double.POSITIVE_INFINITY;
        }
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            double scale = metric == Metric.COSINE ? Math.max(LiteralDefinition.norm(x, d, i), 1e-12) : 1.0;
            for (int t = 0; t < d; t++) {
                rows[i][t] = x[i * d + t] / scale;
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sq = 0.0;
                for (int t = 0; t < d; t++) {
                    double diff = rows[i][t] - rows[j][t];
                    sq += diff * diff;
                }
                double dist = Math.sqrt(sq);
                min = Math.min(min, dist);
                max = Math.max(max, dist);
            }
        }
        return max == 0.0 ? 0.0 : min / max;
    }

    /** Whether tau = 0 gradients may be compared: the argmin has a margin on every row (SPEC section 8). */
    public boolean hardMinimumHasMargin() {
        return LiteralDefinition.argminHasMargin(metric, x, labels, d);
    }

    @Override
    public String toString() {
        int[] shown = Arrays.copyOf(labels, Math.min(n, 20));
        return "Problem[n=" + n + ", d=" + d + ", metric=" + metric + ", tau=" + tau + ", classes=" + classCount()
                + ", labels=" + Arrays.toString(shown) + (n > 20 ? "..." : "") + ", " + origin + "]";
    }
}
