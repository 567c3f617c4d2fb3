package dev.softsilhouette.cli.demo;

/** Projection of rows onto their two leading principal components (power iteration with deflation, in double). */
final class Pca {
    private static final int ITERATIONS = 500;

    private Pca() {
    }

    /** {@code rows x 2} coordinates, row-major, of the centred data projected on the first two components. */
    static double[] project2d(float[] x, int rows, int cols) {
        double[] mean = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                mean[c] += x[r * cols + c];
            }
        }
        for (int c = 0; c < cols; c++) {
            mean[c] /= rows;
        }
        double[][] cov = new double[cols][cols];
        double[] centred = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                centred[c] = x[r * cols + c] - mean[c];
            }
            for (int a = 0; a < cols; a++) {
                for (int b = a; b < cols; b++) {
                    cov[a][b] += centred[a] * centred[b];
                }
            }
        }
        for (int a = 0; a < cols; a++) {
            for (int b = 0; b < a; b++) {
                cov[a][b] = cov[b][a];
            }
        }
        double[] first = leadingEigenvector(cov);
        deflate(cov, first);
        double[] second = cols > 1 ? leadingEigenvector(cov) : new double[cols];
        double[] out = new double[rows * 2];
        for (int r = 0; r < rows; r++) {
            double p = 0;
            double q = 0;
            for (int c = 0; c < cols; c++) {
                double v = x[r * cols + c] - mean[c];
                p += v * first[c];
                q += v * second[c];
            }
            out[2 * r] = p;
            out[2 * r + 1] = q;
        }
        return out;
    }

    private static double[] leadingEigenvector(double[][] m) {
        int n = m.length;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1.0 / Math.sqrt(n) * (1 + 0.01 * i); // deterministic, not orthogonal to any axis
        }
        double[] w = new double[n];
        for (int it = 0; it < ITERATIONS; it++) {
            double norm = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += m[i][j] * v[j];
                }
                w[i] = s;
                norm += s * s;
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                return new double[n];
            }
            for (int i = 0; i < n; i++) {
                v[i] = w[i] / norm;
            }
        }
        // A fixed sign, so that reruns draw the same picture: the largest component positive.
        int big = 0;
        for (int i = 1; i < n; i++) {
            if (Math.abs(v[i]) > Math.abs(v[big])) {
                big = i;
            }
        }
        if (v[big] < 0) {
            for (int i = 0; i < n; i++) {
                v[i] = -v[i];
            }
        }
        return v;
    }

    private static void deflate(double[][] m, double[] v) {
        int n = m.length;
        double lambda = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                lambda += v[i] * m[i][j] * v[j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] -= lambda * v[i] * v[j];
            }
        }
    }
}
