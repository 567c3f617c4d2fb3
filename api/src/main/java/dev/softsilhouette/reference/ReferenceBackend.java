package dev.softsilhouette.reference;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SilhouetteMath;
import dev.softsilhouette.spi.SupConBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * SPEC sections 2 to 5 written plainly in float64: every pair distance computed directly (no expanded forms, no
 * class statistics), per-class sums, the shared per-row math, then the gradient pair by pair. Memory O(N*K + N*D);
 * time O(N^2 D). It is the oracle every other backend is compared against, so it favours obviousness over speed.
 * SupCon (SPEC section 11) is {@link ReferenceSupCon}.
 */
public final class ReferenceBackend implements SilhouetteBackend, SupConBackend {

    @Override
    public String name() {
        return ReferenceBackendProvider.NAME;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                  MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut) {
        int n = batch.rows();
        double[] s = silhouettesOut == null ? null : new double[n];
        double[] g = gradientOut == null ? null : new double[n * batch.dims()];
        double total = compute(rows(batch), batch.labels(), batch.classOffsets(), metric, tau, weight,
                floats(rowWeights, n), s, g);
        write(s, silhouettesOut);
        write(g, gradientOut);
        return total;
    }

    @Override
    public double supConAndGradient(PreparedBatch batch, SupConTemperatures temperatures, double weight,
                                    MemorySegment rowWeights, MemorySegment lossesOut, MemorySegment gradientOut) {
        int n = batch.rows();
        double[] losses = lossesOut == null ? null : new double[n];
        double[] g = gradientOut == null ? null : new double[n * batch.dims()];
        double total = ReferenceSupCon.compute(rows(batch), batch.labels(), temperatures.temperature(),
                temperatures.baseTemperature(), weight, floats(rowWeights, n), losses, g);
        write(losses, lossesOut);
        write(g, gradientOut);
        return total;
    }

    @Override
    public double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut) {
        int n = batch.rows();
        double[][] x = rows(batch);
        double[] supConGradient = gradientOut == null ? null : new double[n * batch.dims()];
        double[] silhouetteGradient = gradientOut == null ? null : new double[n * batch.dims()];
        SupConTemperatures t = terms.temperatures();
        double supCon = ReferenceSupCon.compute(x, batch.labels(), t.temperature(), t.baseTemperature(),
                terms.supConWeight(), null, null, supConGradient);
        double silhouettes = compute(x, batch.labels(), batch.classOffsets(), Metric.COSINE, terms.silhouetteTau(),
                terms.silhouetteWeight(), null, null, silhouetteGradient);
        if (gradientOut != null) {
            for (int i = 0; i < supConGradient.length; i++) {
                supConGradient[i] += silhouetteGradient[i];
            }
            write(supConGradient, gradientOut);
        }
        return terms.supConWeight() * supCon + terms.silhouetteWeight() * (n - silhouettes);
    }

    private static double[][] rows(PreparedBatch batch) {
        int n = batch.rows();
        int d = batch.dims();
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                x[i][t] = batch.value(i, t);
            }
        }
        return x;
    }

    private static double[] floats(MemorySegment values, int n) {
        if (values == null) {
            return null;
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = values.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        return out;
    }

    private static void write(double[] values, MemorySegment out) {
        if (values != null) {
            for (int i = 0; i < values.length; i++) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) values[i]);
            }
        }
    }

    /**
     * The same function on float64 rows, with a float64 gradient: no float32 rounding of the input or the output.
     * The API's float64 entry ({@code SoftSilhouetteLoss.forwardBackwardFloat64}) calls it after validating and
     * preparing the labels.
     *
     * @param classes      compact class of each row (as {@link PreparedBatch#labels()})
     * @param classOffsets class boundaries, K+1 values (as {@link PreparedBatch#classOffsets()})
     * @param gradientOut  N*D values, row-major, overwritten with {@code weight * d(sum_i (1 - s_i))/dX}; or
     *                     {@code null} for the forward only
     * @return {@code sum_i s_i}
     */
    public static double silhouettesAndGradient(double[][] rows, int[] classes, int[] classOffsets, Metric metric,
                                                double tau, double weight, double[] gradientOut) {
        return compute(rows, classes, classOffsets, metric, tau, weight, null, null, gradientOut);
    }

    private static double compute(double[][] x, int[] y, int[] offsets, Metric metric, double tau, double weight,
                                  double[] rowWeights, double[] silhouettesOut, double[] gradientOut) {
        int n = x.length;
        int d = x[0].length;
        int k = offsets.length - 1;
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
                silhouettesOut[i] = s;
            }
            if (gradient) {
                double w = weight * (rowWeights == null ? 1.0 : rowWeights[i]);
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
            System.arraycopy(g, 0, gradientOut, i * d, d);
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

    /** {@code <u, v>} in float64, in index order (shared with {@link ReferenceSupCon}). */
    static double dot(double[] u, double[] v) {
        double sum = 0.0;
        for (int t = 0; t < u.length; t++) {
            sum += u[t] * v[t];
        }
        return sum;
    }
}
