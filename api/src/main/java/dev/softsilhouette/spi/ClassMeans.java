package dev.softsilhouette.spi;

import dev.softsilhouette.Metric;

/**
 * Merged class statistics turned into what a row's class sums are computed from: the class means
 * {@code m_k = S_k / n_k} and scatters {@code W_k = Q_k - n_k |m_k|^2}, both about the common shift (see
 * {@link ClassTable}). A workspace: {@link #load} reuses its arrays once they are large enough, so a backend that
 * keeps one per thread allocates nothing in steady state.
 *
 * <p>{@link #toDistanceSums} is the one rule every backend applies, from {@code |v' - m_k|^2} to
 * {@code sum_{j in k, j != i} d(x_i, x_j)}: {@code n_k |v' - m_k|^2 + W_k}, and under {@code COSINE}
 * {@code (n_k |v' - m_k|^2 + W_k) / 2 + n_k c_i + C_k}, less the pair (i, i) in the row's own class.
 */
public final class ClassMeans {
    /**
     * A class sum at or below this fraction of the magnitudes it was computed from ({@code n_k |v'|^2 + Q_k}) is
     * rounding noise of rows that coincide (the sum is exactly 0 for identical rows, its expansion is not): taken as
     * 0, as the pair-by-pair definition has it, so identical rows keep SPEC section 3's conventions.
     */
    public static final double NOISE = 0x1p-40;

    private Metric metric;
    private ClassTable table;
    private double[] means = new double[0];
    private double[] scatters = new double[0];

    /** An empty workspace: {@link #load} sizes it. */
    public ClassMeans() {
    }

    /** Computes the means and scatters of {@code table} (O(K*D)). */
    public void load(Metric metric, ClassTable table) {
        this.metric = metric;
        this.table = table;
        int k = table.classCount();
        int d = table.dims();
        if (means.length < k * d) {
            means = new double[k * d];
        }
        if (scatters.length < k) {
            scatters = new double[k];
        }
        double[] sums = table.sums();
        for (int c = 0; c < k; c++) {
            int size = table.classSize(c);
            double meanDotSum = 0.0;
            for (int t = 0; t < d; t++) {
                double m = sums[c * d + t] / size;
                means[c * d + t] = m;
                meanDotSum += m * sums[c * d + t];
            }
            scatters[c] = Math.max(table.squaredNorms()[c] - meanDotSum, 0.0);
        }
    }

    /** m_k, class-major ({@code K*D} values valid; the array may be longer). Read-only. */
    public double[] means() {
        return means;
    }

    /** W_k ({@code K} values valid). Read-only. */
    public double[] scatters() {
        return scatters;
    }

    /**
     * Turns {@code values[k] = |v' - m_k|^2} into {@code values[k] = sum_{j in k, j != i} d(x_i, x_j)} for every
     * class k, in place.
     *
     * @param own             the row's class index
     * @param squaredNorm     {@code |v'|^2}, the magnitude its rounding is judged against
     * @param floorCorrection {@code c_i} ({@link BlockMath#centredRow}); 0 unless {@code COSINE}
     */
    public void toDistanceSums(int own, double squaredNorm, double floorCorrection, double[] values) {
        double[] squaredNorms = table.squaredNorms();
        for (int k = 0, classes = table.classCount(); k < classes; k++) {
            int size = table.classSize(k);
            double squares = size * values[k] + scatters[k];
            if (squares <= NOISE * (size * squaredNorm + squaredNorms[k])) {
                squares = 0.0;
            }
            if (metric == Metric.COSINE) {
                // |u_i - u_j|^2 / 2 + c_i + c_j over j in k, less the pair (i, i) itself (0 + 2 c_i) in its own class
                squares = 0.5 * squares + size * floorCorrection + table.floorCorrections()[k]
                        - (k == own ? 2.0 * floorCorrection : 0.0);
            }
            values[k] = squares;
        }
    }
}
