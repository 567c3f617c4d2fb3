package dev.softsilhouette;

import dev.softsilhouette.spi.ClassTable;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The class statistics of {@code SQUARED_EUCLIDEAN} or {@code COSINE} over some rows (SPEC section 12): per class,
 * {@code n_k}, the sum of the rows {@code S_k} and the sum of their squared norms {@code Q_k}, all about a shift
 * {@code h} common to every block (under {@code COSINE} of the unit rows, plus {@code C_k}, the sum of the norm-floor
 * corrections, 0 unless a row's norm is below 1e-12). Accumulated and merged in float64.
 *
 * <p>Made by {@link BlockSilhouette#statistics} for one block; {@link #merge} adds two (same metric, dims and shift);
 * {@link #centredOn} moves them onto another shift.
 * The statistics of a data set are the merge of its blocks', in any order; they hold every class that occurs in any
 * block, which is what the per-row silhouettes of {@link BlockSilhouette#silhouettes} need.
 *
 * <p>Immutable, thread-safe and {@link Serializable} (plain arrays: {@code O(K*D)} values), to aggregate and
 * broadcast in a distributed engine.
 */
public final class ClassStatistics implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Metric metric;
    private final int dims;
    private final double[] shift;
    private final ClassCounts classes;
    /** S_k, class-major, K*D. */
    private final double[] sums;
    private final double[] squaredNorms;
    private final double[] floorCorrections;

    ClassStatistics(Metric metric, int dims, double[] shift, ClassCounts classes, double[] sums,
                    double[] squaredNorms, double[] floorCorrections) {
        this.metric = metric;
        this.dims = dims;
        this.shift = shift;
        this.classes = classes;
        this.sums = sums;
        this.squaredNorms = squaredNorms;
        this.floorCorrections = floorCorrections;
    }

    /**
     * The statistics of the rows of both.
     *
     * @throws IllegalArgumentException when the metric, the dimensions or the shift differ
     */
    public ClassStatistics merge(ClassStatistics other) {
        Arguments.notNull(other, "other");
        if (other.metric != metric) {
            throw new IllegalArgumentException("other: statistics of metric " + other.metric + " cannot merge with "
                    + metric);
        }
        if (other.dims != dims) {
            throw new IllegalArgumentException("other: statistics of " + other.dims + " dimensions cannot merge with "
                    + dims);
        }
        if (!Arrays.equals(other.shift, shift)) {
            throw new IllegalArgumentException("other: the statistics were centred on a different shift; every block "
                    + "must use the same one");
        }
        ClassCounts merged = classes.merge(other.classes);
        int k = merged.classCount();
        double[] s = new double[k * dims];
        double[] q = new double[k];
        double[] c = new double[k];
        addInto(merged, s, q, c);
        other.addInto(merged, s, q, c);
        return new ClassStatistics(metric, dims, shift, merged, s, q, c);
    }

    /**
     * The same statistics about another shift {@code h'}: {@code S'_k = S_k + n_k (h - h')},
     * {@code Q'_k = Q_k + 2 <S_k, h - h'> + n_k |h - h'|^2}, {@code C_k} unchanged, in float64. So that blocks (or the
     * partitions of a distributed engine) can each centre on a shift of their own, found in the same pass (say the
     * mean of their first block), and merge once moved onto a common one. The float64 rounding this adds is about
     * {@code 1e-16 |h - h'|^2} next to the classes' scatter: negligible at the 1e-6 of SPEC section 12 unless the
     * shifts lie many thousands of class spreads apart (then centre every block on one shift instead).
     *
     * @param shift D finite values
     * @throws IllegalArgumentException when the shift does not have D finite values
     */
    public ClassStatistics centredOn(double[] shift) {
        Arguments.shift(shift, dims, "the statistics have");
        if (Arrays.equals(shift, this.shift)) {
            return this;
        }
        double[] move = new double[dims]; // h - h'
        double moveSquared = 0.0;
        for (int t = 0; t < dims; t++) {
            move[t] = this.shift[t] - shift[t];
            moveSquared += move[t] * move[t];
        }
        int k = classes.classCount();
        double[] s = new double[k * dims];
        double[] q = new double[k];
        for (int c = 0; c < k; c++) {
            double n = classes.count(c);
            double cross = 0.0;
            for (int t = 0; t < dims; t++) {
                double sum = sums[c * dims + t];
                cross += sum * move[t];
                s[c * dims + t] = sum + n * move[t];
            }
            q[c] = squaredNorms[c] + 2.0 * cross + n * moveSquared;
        }
        return new ClassStatistics(metric, dims, shift.clone(), classes, s, q, floorCorrections);
    }

    private void addInto(ClassCounts target, double[] s, double[] q, double[] c) {
        int[] labels = classes.labels();
        for (int k = 0; k < labels.length; k++) {
            int to = target.indexOf(labels[k]);
            for (int t = 0; t < dims; t++) {
                s[to * dims + t] += sums[k * dims + t];
            }
            q[to] += squaredNorms[k];
            c[to] += floorCorrections[k];
        }
    }

    public Metric metric() {
        return metric;
    }

    /** D. */
    public int dims() {
        return dims;
    }

    /** The shift h the sums are centred on (a copy). */
    public double[] shift() {
        return shift.clone();
    }

    /** The classes and their sizes n_k. */
    public ClassCounts classes() {
        return classes;
    }

    /** S_k of class index k (a copy of D values). */
    public double[] sum(int classIndex) {
        return Arrays.copyOfRange(sums, classIndex * dims, (classIndex + 1) * dims);
    }

    /** Q_k of class index k. */
    public double squaredNorm(int classIndex) {
        return squaredNorms[classIndex];
    }

    /** C_k of class index k (0 unless COSINE rows below the norm floor). */
    public double floorCorrection(int classIndex) {
        return floorCorrections[classIndex];
    }

    /** The view backends read (no copy: backends never write it). */
    ClassTable table() {
        return new ClassTable(classes.classCount(), dims, shift, classes.offsets(), sums, squaredNorms,
                floorCorrections);
    }

    @Override
    public String toString() {
        return "ClassStatistics[" + metric + ", d=" + dims + ", " + classes + "]";
    }
}
