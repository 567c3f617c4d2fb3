package dev.softsilhouette.bench.ceiling;

import java.util.Locale;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * Checks an SGEMM's {@code C = A * B^T} against a float64 product of a slice: a few rows spread over C (the first,
 * the last, and some between, so that edge blocks are covered), every column. A fast kernel that gives wrong numbers
 * must not become a ceiling.
 *
 * <p>Each element must lie within the rounding-error bound of any float32 summation order,
 * {@code gamma(K+1) * sum_k |a_ik * b_jk|} with {@code gamma(n) = n*u / (1 - n*u)} and {@code u = 2^-24}: a correct
 * kernel cannot exceed it, a wrong one (a bad block, a missing remainder) misses by far more.
 */
public final class SgemmCheck {
    private static final double UNIT_ROUNDOFF = 0x1p-24;
    private static final int ROWS_CHECKED = 8;

    private SgemmCheck() {
    }

    /**
     * The outcome.
     *
     * @param correct        whether every checked element lies within its bound
     * @param rowsChecked    how many rows of C were compared
     * @param worstRatio     the largest |error| / bound over the checked elements (at most 1 when correct; infinite
     *                       for a NaN or an infinity)
     * @param firstViolation where and by how much, when not correct; empty otherwise
     */
    public record Verdict(boolean correct, int rowsChecked, double worstRatio, String firstViolation) {
        public String describe() {
            return correct
                    ? String.format(Locale.ROOT, "%d rows within the float32 bound (worst %.3g of it)", rowsChecked,
                    worstRatio)
                    : "wrong product: " + firstViolation;
        }
    }

    /**
     * @param shape the product's shape
     * @param a     A, row-major {@code m x k}
     * @param b     B, row-major {@code n x k}
     * @param cRow  row i of the computed C ({@code n} floats)
     */
    public static Verdict check(GemmShape shape, float[] a, float[] b, IntFunction<float[]> cRow) {
        int m = shape.m();
        int n = shape.n();
        int k = shape.k();
        double gamma = (k + 1) * UNIT_ROUNDOFF / (1 - (k + 1) * UNIT_ROUNDOFF);
        double worst = 0;
        String violation = "";
        TreeSet<Integer> rows = rows(m);
        for (int i : rows) {
            float[] c = cRow.apply(i);
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double product = (double) a[i * k + p] * b[j * k + p];
                    exact += product;
                    magnitude += Math.abs(product);
                }
                double error = Math.abs(c[j] - exact);
                double bound = gamma * magnitude + Double.MIN_NORMAL;
                double ratio = Double.isFinite(c[j]) ? error / bound : Double.POSITIVE_INFINITY;
                if (!(ratio <= worst)) {
                    worst = ratio;
                    if (ratio > 1 && violation.isEmpty()) {
                        violation = String.format(Locale.ROOT, "C[%d][%d] = %s, float64 gives %.9g (bound %.3g)",
                                i, j, c[j], exact, bound);
                    }
                }
            }
        }
        return new Verdict(violation.isEmpty(), rows.size(), worst, violation);
    }

    /** The first two rows, the last two, and rows spread evenly between. */
    static TreeSet<Integer> rows(int m) {
        TreeSet<Integer> rows = new TreeSet<>();
        for (int r = 0; r < ROWS_CHECKED; r++) {
            rows.add((int) ((long) (m - 1) * r / (ROWS_CHECKED - 1)));
        }
        rows.add(Math.min(1, m - 1));
        rows.add(Math.max(0, m - 2));
        return rows;
    }
}
