package dev.softsilhouette.conformance.fakes;

import dev.softsilhouette.Backends;
import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Test doubles with the mistakes a backend author makes, one each: the reference except for one defect. The kit
 * must fail each of them ({@code KitCatchesABrokenBackendTest}). The two defects inside the math are built on
 * {@code EUCLIDEAN} only (the other metrics go to the reference), which is enough for the kit to see them.
 */
public abstract class DefectiveProvider implements BackendProvider {
    /** The names of every defective backend. */
    public static final List<String> NAMES = List.of(FlippedGradientSign.NAME, DroppedPairTerm.NAME,
            WrongTemperature.NAME, OwnMeanOverClassSize.NAME, OneWayTile.NAME, UnshiftedSquaredNorms.NAME,
            ExpandedClassStatistics.NAME);

    private final String name;
    private final String defect;

    DefectiveProvider(String name, String defect) {
        this.name = name;
        this.defect = defect;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int priority() {
        return -2;
    }

    @Override
    public Availability probe() {
        return Availability.available("the reference with " + defect + " (test double)");
    }

    /** Every gradient value negated. */
    public static final class FlippedGradientSign extends DefectiveProvider {
        public static final String NAME = "broken-sign";

        public FlippedGradientSign() {
            super(NAME, "the gradient's sign flipped");
        }

        @Override
        public SilhouetteBackend create() {
            SilhouetteBackend reference = Backends.backend("reference");
            return backend(NAME, (batch, metric, tau, weight, rowWeights, out, gradient) -> {
                double sum = reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, out, gradient);
                if (gradient != null) {
                    for (long i = 0; i < (long) batch.rows() * batch.dims(); i++) {
                        float g = gradient.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                        gradient.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, -g);
                    }
                }
                return sum;
            });
        }
    }

    /** The softmin computed at twice the temperature asked for. */
    public static final class WrongTemperature extends DefectiveProvider {
        public static final String NAME = "broken-temperature";

        public WrongTemperature() {
            super(NAME, "the temperature doubled");
        }

        @Override
        public SilhouetteBackend create() {
            SilhouetteBackend reference = Backends.backend("reference");
            return backend(NAME, (batch, metric, tau, weight, rowWeights, out, gradient) ->
                    reference.silhouettesAndGradient(batch, metric, 2.0 * tau, weight, rowWeights, out, gradient));
        }
    }

    /** Each pair distance's derivative takes only the term of s_i, not the symmetric one of s_j (EUCLIDEAN). */
    public static final class DroppedPairTerm extends DefectiveProvider {
        public static final String NAME = "broken-pair-term";

        public DroppedPairTerm() {
            super(NAME, "the symmetric pair term dropped from the EUCLIDEAN gradient");
        }

        @Override
        public SilhouetteBackend create() {
            return euclideanWithDefect(NAME, true, false);
        }
    }

    /** a_i divided by n_c instead of n_c - 1 (EUCLIDEAN). */
    public static final class OwnMeanOverClassSize extends DefectiveProvider {
        public static final String NAME = "broken-own-mean";

        public OwnMeanOverClassSize() {
            super(NAME, "the own-class mean taken over n_c instead of n_c - 1 (EUCLIDEAN)");
        }

        @Override
        public SilhouetteBackend create() {
            return euclideanWithDefect(NAME, false, true);
        }
    }

    /**
     * SQUARED_EUCLIDEAN and COSINE silhouettes from class statistics, a row's squared distance to another class's
     * mean taken as {@code ||z||^2 - 2 <z, m> + ||m||^2} with {@code <z, m>} a float32 dot product of the float
     * centred row and the float mean, never recomputed where it cancels: the SGEMM strategy's class-statistics
     * kernel before 945161f. The batch is centred and everything else is in double (squared norms, the class
     * scatter, the own class pair by pair), so the defect shows only where a row lies near another class's mean far
     * from the batch's centre. The gradient is the reference's.
     */
    public static final class ExpandedClassStatistics extends DefectiveProvider {
        public static final String NAME = "broken-expanded-statistics";

        public ExpandedClassStatistics() {
            super(NAME, "class-statistics distances from the float32 expansion, without recomputation");
        }

        @Override
        public SilhouetteBackend create() {
            SilhouetteBackend reference = Backends.backend("reference");
            return backend(NAME, (batch, metric, tau, weight, rowWeights, out, gradient) -> {
                double exact = reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, out, gradient);
                if (metric == Metric.EUCLIDEAN) {
                    return exact;
                }
                int n = batch.rows();
                int k = batch.classCount();
                double[] sums = expandedClassSums(batch, metric == Metric.COSINE);
                double total = 0.0;
                for (int i = 0; i < n; i++) {
                    double s = SilhouetteMath.rowSilhouette(batch.labels()[i], sums, i * k, batch.classOffsets(), tau,
                            null, 0);
                    total += s;
                    if (out != null) {
                        out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
                    }
                }
                return total;
            });
        }

        /**
         * sums[i*K + c] = sum over rows j != i of class c of d(x_i, x_j), with z the centred rows (COSINE: the
         * centred unit rows, d = ||z_i - z_j||^2 / 2 + r_i + r_j, r = (1 - ||u||^2) / 2 the norm floor's correction).
         */
        private static double[] expandedClassSums(PreparedBatch batch, boolean cosine) {
            int n = batch.rows();
            int d = batch.dims();
            int k = batch.classCount();
            int[] y = batch.labels();
            double[][] u = new double[n][d];
            double[] correction = new double[n];
            double[] centre = new double[d];
            for (int i = 0; i < n; i++) {
                double norm = 1.0;
                if (cosine) {
                    double sq = 0.0;
                    for (int t = 0; t < d; t++) {
                        sq += (double) batch.value(i, t) * batch.value(i, t);
                    }
                    norm = Math.max(Math.sqrt(sq), Metric.COSINE_NORM_FLOOR);
                }
                double unitSq = 0.0;
                for (int t = 0; t < d; t++) {
                    u[i][t] = batch.value(i, t) / norm;
                    unitSq += u[i][t] * u[i][t];
                    centre[t] += u[i][t] / n;
                }
                correction[i] = cosine ? (1.0 - unitSq) / 2.0 : 0.0;
            }
            double[][] z = new double[n][d];
            float[][] zf = new float[n][d];
            double[] rowSq = new double[n];
            double[][] mean = new double[k][d];
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < d; t++) {
                    z[i][t] = u[i][t] - centre[t];
                    zf[i][t] = (float) z[i][t];
                    rowSq[i] += z[i][t] * z[i][t];
                    mean[y[i]][t] += z[i][t] / batch.classSize(y[i]);
                }
            }
            float[][] meanF = new float[k][d];
            double[] meanSq = new double[k];
            double[] scatter = new double[k];
            double[] corrections = new double[k];
            for (int c = 0; c < k; c++) {
                for (int t = 0; t < d; t++) {
                    meanF[c][t] = (float) mean[c][t];
                    meanSq[c] += mean[c][t] * mean[c][t];
                }
            }
            for (int i = 0; i < n; i++) {
                scatter[y[i]] += squaredDistance(z[i], mean[y[i]]);
                corrections[y[i]] += correction[i];
            }
            double scale = cosine ? 0.5 : 1.0;
            double[] sums = new double[n * k];
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < k; c++) {
                    double size = batch.classSize(c);
                    if (c == y[i]) {
                        for (int j = 0; j < n; j++) {
                            if (j != i && y[j] == c) {
                                sums[i * k + c] += scale * squaredDistance(z[i], z[j]) + correction[i] + correction[j];
                            }
                        }
                    } else {
                        float dot = 0.0f;
                        for (int t = 0; t < d; t++) {
                            dot = Math.fma(zf[i][t], meanF[c][t], dot);
                        }
                        double toMean = rowSq[i] - 2.0 * dot + meanSq[c];
                        sums[i * k + c] = scale * (size * toMean + scatter[c]) + size * correction[i] + corrections[c];
                    }
                }
            }
            return sums;
        }

        private static double squaredDistance(double[] a, double[] b) {
            double sq = 0.0;
            for (int t = 0; t < a.length; t++) {
                double diff = a[t] - b[t];
                sq += diff * diff;
            }
            return sq;
        }
    }

    /** Block decomposition: each EUCLIDEAN tile of two blocks adds the row direction only (SPEC section 12). */
    public static final class OneWayTile extends DefectiveProvider {
        public static final String NAME = "broken-one-way-tile";

        public OneWayTile() {
            super(NAME, "the column direction of each EUCLIDEAN block tile dropped");
        }

        @Override
        public SilhouetteBackend create() {
            return new ReferenceUnderAnotherName(NAME) {
                @Override
                public void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums,
                                             double[] columnSums) {
                    BlockMath.addEuclideanSums(rows, columns, rowSums, new double[columnSums.length]);
                }
            };
        }
    }

    /** Block decomposition: class statistics whose Q_k is taken about the origin instead of the common shift. */
    public static final class UnshiftedSquaredNorms extends DefectiveProvider {
        public static final String NAME = "broken-block-shift";

        public UnshiftedSquaredNorms() {
            super(NAME, "the class statistics' squared norms taken about the origin, not the shift");
        }

        @Override
        public SilhouetteBackend create() {
            return new ReferenceUnderAnotherName(NAME) {
                @Override
                public void addClassStatistics(PreparedBlock block, Metric metric, ClassTable statistics) {
                    int k = statistics.classCount();
                    ClassTable unshifted = new ClassTable(k, statistics.dims(), new double[statistics.dims()],
                            statistics.classOffsets(), new double[statistics.sums().length], new double[k],
                            new double[k]);
                    BlockMath.addClassStatistics(block, metric, unshifted);
                    double[] squaredNorms = statistics.squaredNorms().clone();
                    BlockMath.addClassStatistics(block, metric, statistics);
                    for (int c = 0; c < k; c++) {
                        statistics.squaredNorms()[c] = squaredNorms[c] + unshifted.squaredNorms()[c];
                    }
                }
            };
        }
    }

    /** The reference backend under another name: the block defects override one block operation of it. */
    private abstract static class ReferenceUnderAnotherName implements SilhouetteBackend {
        private final String name;
        private final SilhouetteBackend reference = Backends.backend("reference");

        ReferenceUnderAnotherName(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                             MemorySegment rowWeights, MemorySegment out, MemorySegment gradient) {
            return reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, out, gradient);
        }
    }

    /** The one method of the SPI, as a lambda. */
    private interface Compute {
        double apply(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
                     MemorySegment silhouettesOut, MemorySegment gradientOut);
    }

    private static SilhouetteBackend backend(String name, Compute compute) {
        return new SilhouetteBackend() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                                 MemorySegment rowWeights, MemorySegment out, MemorySegment gradient) {
                return compute.apply(batch, metric, tau, weight, rowWeights, out, gradient);
            }
        };
    }

    /** SPEC sections 3 and 5 for EUCLIDEAN, pair by pair in float64, with one of two defects; else the reference. */
    private static SilhouetteBackend euclideanWithDefect(String name, boolean dropPairTerm, boolean ownMeanOverSize) {
        SilhouetteBackend reference = Backends.backend("reference");
        return backend(name, (batch, metric, tau, weight, rowWeights, out, gradient) -> {
            if (metric != Metric.EUCLIDEAN) {
                return reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, out, gradient);
            }
            int n = batch.rows();
            int d = batch.dims();
            int k = batch.classCount();
            int[] y = batch.labels();
            double[] sums = new double[n * k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (j != i) {
                        sums[i * k + y[j]] += distance(batch, i, j);
                    }
                }
            }
            double[] coef = new double[n * k];
            double total = 0.0;
            for (int i = 0; i < n; i++) {
                int[] offsets = batch.classOffsets();
                if (ownMeanOverSize && batch.classSize(y[i]) > 1) {
                    offsets = offsets.clone(); // the own class looks one row larger: a_i = sum / n_c
                    for (int c = y[i] + 1; c < offsets.length; c++) {
                        offsets[c]++;
                    }
                }
                double s = SilhouetteMath.rowSilhouette(y[i], sums, i * k, offsets, tau, coef, i * k);
                total += s;
                if (out != null) {
                    out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
                }
                double w = weight * (rowWeights == null ? 1.0 : rowWeights.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
                for (int c = 0; c < k; c++) {
                    coef[i * k + c] *= -w;
                }
            }
            if (gradient == null) {
                return total;
            }
            for (int i = 0; i < n; i++) {
                double[] g = new double[d];
                for (int j = 0; j < n; j++) {
                    double dist = j == i ? 0.0 : distance(batch, i, j);
                    if (dist == 0.0) {
                        continue;
                    }
                    double dLdd = coef[i * k + y[j]] + (dropPairTerm ? 0.0 : coef[j * k + y[i]]);
                    for (int t = 0; t < d; t++) {
                        g[t] += dLdd * ((double) batch.value(i, t) - batch.value(j, t)) / dist;
                    }
                }
                for (int t = 0; t < d; t++) {
                    gradient.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * d + t, (float) g[t]);
                }
            }
            return total;
        });
    }

    private static double distance(PreparedBatch batch, int i, int j) {
        double sq = 0.0;
        for (int t = 0; t < batch.dims(); t++) {
            double diff = (double) batch.value(i, t) - batch.value(j, t);
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }
}
