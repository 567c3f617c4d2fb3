package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;

/**
 * SPEC section 3 written out literally in float64 with nested loops: every pair distance, each class mean, the
 * softmin, s_i. It shares no code with the api module's {@code SilhouetteMath} or {@code ReferenceBackend}, so it
 * checks them independently; the TCK also uses it to decide which inputs meet SPEC section 8's preconditions.
 * Quadratic and allocation-heavy on purpose: it favours being obviously the definition.
 */
final class LiteralDefinition {
    private LiteralDefinition() {
    }

    /** d(x_i, x_j) from SPEC section 2, from the float32 inputs widened to double. */
    static double distance(Metric metric, double[] x, int d, int i, int j) {
        switch (metric) {
            case EUCLIDEAN, SQUARED_EUCLIDEAN -> {
                double sum = 0.0;
                for (int t = 0; t < d; t++) {
                    double diff = x[i * d + t] - x[j * d + t];
                    sum += diff * diff;
                }
                return metric == Metric.EUCLIDEAN ? Math.sqrt(sum) : sum;
            }
            case COSINE -> {
                double ni = Math.max(norm(x, d, i), 1e-12);
                double nj = Math.max(norm(x, d, j), 1e-12);
                double dot = 0.0;
                for (int t = 0; t < d; t++) {
                    dot += (x[i * d + t] / ni) * (x[j * d + t] / nj);
                }
                return 1.0 - dot;
            }
            default -> throw new AssertionError(metric);
        }
    }

    static double norm(float[] x, int d, int i) {
        return norm(widen(x), d, i);
    }

    static double norm(double[] x, int d, int i) {
        double sq = 0.0;
        for (int t = 0; t < d; t++) {
            double v = x[i * d + t];
            sq += v * v;
        }
        return Math.sqrt(sq);
    }

    static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /** The distinct labels present, in increasing order. */
    static int[] classesPresent(int[] y) {
        return java.util.Arrays.stream(y).distinct().sorted().toArray();
    }

    /**
     * delta[i][k] = mean distance from row i to the rows of the k-th present class (k in increasing label order),
     * excluding row i itself; for the row's own class that is a_i (NaN for a singleton).
     */
    static double[][] classMeans(Metric metric, double[] x, int[] y, int d) {
        int n = y.length;
        int[] classes = classesPresent(y);
        double[][] means = new double[n][classes.length];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < classes.length; k++) {
                double sum = 0.0;
                int count = 0;
                for (int j = 0; j < n; j++) {
                    if (j != i && y[j] == classes[k]) {
                        sum += distance(metric, x, d, i, j);
                        count++;
                    }
                }
                means[i][k] = count == 0 ? Double.NaN : sum / count;
            }
        }
        return means;
    }

    /** s_i for every row, SPEC section 3 including its conventions. */
    static double[] silhouettes(Metric metric, double tau, float[] x, int[] y, int d) {
        return silhouettes(metric, tau, widen(x), y, d);
    }

    /** s_i for every row, on float64 rows (for finite differences). */
    static double[] silhouettes(Metric metric, double tau, double[] x, int[] y, int d) {
        int n = y.length;
        int[] classes = classesPresent(y);
        double[][] means = classMeans(metric, x, y, d);
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            int own = java.util.Arrays.binarySearch(classes, y[i]);
            int ownSize = 0;
            for (int j = 0; j < n; j++) {
                if (y[j] == y[i]) {
                    ownSize++;
                }
            }
            if (ownSize == 1 || classes.length == 1) {
                s[i] = 0.0;
                continue;
            }
            double a = means[i][own];
            double b;
            double min = Double.POSITIVE_INFINITY;
            for (int k = 0; k < classes.length; k++) {
                if (k != own) {
                    min = Math.min(min, means[i][k]);
                }
            }
            if (tau == 0.0) {
                b = min;
            } else {
                double numerator = 0.0;
                double denominator = 0.0;
                for (int k = 0; k < classes.length; k++) {
                    if (k != own) {
                        double weight = Math.exp(-(means[i][k] - min) / tau);
                        numerator += weight * means[i][k];
                        denominator += weight;
                    }
                }
                b = numerator / denominator;
            }
            double m = Math.max(a, b);
            s[i] = m == 0.0 ? 0.0 : (b - a) / m;
        }
        return s;
    }

    /** sum_i w_i (1 - s_i): the loss with per-row weights (1/N for MEAN, 1 for SUM, g_i for NONE). */
    static double weightedLoss(Metric metric, double tau, double[] x, int[] y, int d, double[] weights) {
        double[] s = silhouettes(metric, tau, x, y, d);
        double loss = 0.0;
        for (int i = 0; i < s.length; i++) {
            loss += weights[i] * (1.0 - s[i]);
        }
        return loss;
    }

    /**
     * Whether the hard minimum has a margin on every row whose silhouette is not fixed by a convention: the two
     * nearest competing class means differ by more than {@code 1e-3} relative to the larger of the two. Rows with a
     * single competing class always have it. SPEC section 8 compares tau = 0 gradients only then.
     */
    static boolean argminHasMargin(Metric metric, float[] x, int[] y, int d) {
        return argminMargin(metric, x, y, d) > 1e-3;
    }

    /** The smallest relative gap, over rows not fixed by a convention, between the two nearest competing means. */
    static double argminMargin(Metric metric, float[] x, int[] y, int d) {
        int n = y.length;
        int[] classes = classesPresent(y);
        double[][] means = classMeans(metric, widen(x), y, d);
        double margin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            int own = java.util.Arrays.binarySearch(classes, y[i]);
            if (Double.isNaN(means[i][own]) || classes.length < 3) {
                continue;
            }
            double first = Double.POSITIVE_INFINITY;
            double second = Double.POSITIVE_INFINITY;
            for (int k = 0; k < classes.length; k++) {
                if (k == own) {
                    continue;
                }
                double v = means[i][k];
                if (v < first) {
                    second = first;
                    first = v;
                } else if (v < second) {
                    second = v;
                }
            }
            double gap = second == 0.0 ? 0.0 : (second - first) / second;
            margin = Math.min(margin, gap);
        }
        return margin;
    }
}
