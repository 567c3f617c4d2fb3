package dev.softsilhouette.spi;

/**
 * The per-row part of the function, shared by every CPU-side backend: from the sums of distances of one row to each
 * class, the silhouette {@code s_i} (SPEC section 3) and its derivative with respect to each of those sums
 * (SPEC section 5). Everything here is O(K) per row, in float64.
 *
 * <p>Working with sums rather than means keeps backends simple: they accumulate {@code sum_{j in k, j != i} d_ij}
 * and never divide.
 */
public final class SilhouetteMath {
    private SilhouetteMath() {
    }

    /**
     * The silhouette of one row, and optionally {@code ds_i / d sums[k]} for every class.
     *
     * @param own          the row's class {@code c}
     * @param sums         {@code sums[sumsOffset + k] = sum of d(x_i, x_j) over rows j != i of class k}, k in [0, K)
     * @param sumsOffset   where class 0's sum is
     * @param classOffsets class boundaries (length K+1), as in {@link PreparedBatch#classOffsets()}
     * @param tau          temperature, {@code >= 0} (0 is the hard minimum; +infinity the plain mean)
     * @param derivative   when not null, receives {@code ds_i / d sums[k]} at {@code derivative[derivativeOffset + k]}
     *                     for every k (zero where s_i does not depend on the sum); may alias nothing else
     * @return {@code s_i}, in [-1, 1]
     */
    public static double rowSilhouette(int own, double[] sums, int sumsOffset, int[] classOffsets, double tau,
                                       double[] derivative, int derivativeOffset) {
        int classes = classOffsets.length - 1;
        int ownSize = classOffsets[own + 1] - classOffsets[own];
        if (ownSize < 2 || classes < 2) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, derivativeOffset, derivativeOffset + classes, 0.0);
            }
            return 0.0; // singleton class, or a single class in the batch: s_i = 0 by convention, no gradient
        }
        double a = sums[sumsOffset + own] / (ownSize - 1);

        // Nearest competing class mean, and its (lowest) index: the hard minimum and the softmin's shift. Each mean
        // is divided out once: the derivative array (when there is one) keeps it for the softmin pass, because
        // divisions are, with the exps, most of what this O(K) loop costs.
        double min = Double.POSITIVE_INFINITY;
        int argmin = -1;
        for (int k = 0; k < classes; k++) {
            if (k != own) {
                double delta = sums[sumsOffset + k] / (classOffsets[k + 1] - classOffsets[k]);
                if (derivative != null) {
                    derivative[derivativeOffset + k] = delta;
                }
                if (delta < min) {
                    min = delta;
                    argmin = k;
                }
            }
        }

        double b;
        double z = 0.0;
        double invTau = 1.0 / tau;
        if (tau == 0.0) {
            b = min;
        } else {
            // Softmin-weighted mean with the max-subtraction trick: every exponent is <= 0, so nothing overflows.
            double weighted = 0.0;
            for (int k = 0; k < classes; k++) {
                if (k != own) {
                    double delta = derivative != null ? derivative[derivativeOffset + k]
                            : sums[sumsOffset + k] / (classOffsets[k + 1] - classOffsets[k]);
                    // delta == min is tested first so that a subnormal tau (1/tau = inf) never gives 0 * inf.
                    double exponent = delta == min ? 0.0 : (min - delta) * invTau;
                    // exp underflows to exactly +0.0 below -745.13: skipping the call there changes no bit and halves
                    // the cost of this loop when classes are far apart relative to tau (most weights underflow).
                    double e = exponent < -746.0 ? 0.0 : Math.exp(exponent);
                    z += e;
                    weighted += e * delta;
                    if (derivative != null) {
                        derivative[derivativeOffset + k] = e; // kept for the derivative below
                    }
                }
            }
            b = weighted / z;
            // The weighted mean lies in [min, mean]; rounding must not push it below the minimum.
            if (b < min) {
                b = min;
            }
        }

        double m = Math.max(a, b);
        if (m == 0.0) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, derivativeOffset, derivativeOffset + classes, 0.0);
            }
            return 0.0; // max(a, b) = 0: s_i = 0 by convention, no gradient
        }
        double s;
        double dsda;
        double dsdb;
        if (a < b) {
            s = 1.0 - a / b;
            dsda = -1.0 / b;
            dsdb = a / (b * b);
        } else {
            s = b / a - 1.0;
            dsda = -b / (a * a);
            dsdb = 1.0 / a;
        }

        if (derivative != null) {
            if (tau == 0.0) {
                java.util.Arrays.fill(derivative, derivativeOffset, derivativeOffset + classes, 0.0);
                derivative[derivativeOffset + argmin] = dsdb / (classOffsets[argmin + 1] - classOffsets[argmin]);
            } else {
                double dsdbOverZ = dsdb / z;
                for (int k = 0; k < classes; k++) {
                    if (k != own) {
                        double e = derivative[derivativeOffset + k];
                        if (e == 0.0) {
                            continue; // an underflowed weight: no contribution (and no 0 * inf)
                        }
                        int size = classOffsets[k + 1] - classOffsets[k];
                        double delta = sums[sumsOffset + k] / size;
                        double gap = delta - b; // 0 tested apart: a subnormal tau must not give 0 * inf
                        double dbdDeltaTimesZ = e * (gap == 0.0 ? 1.0 : 1.0 - gap * invTau); // z db/d delta_k
                        derivative[derivativeOffset + k] = dsdbOverZ * dbdDeltaTimesZ / size;
                    }
                }
            }
            derivative[derivativeOffset + own] = dsda / (ownSize - 1);
        }
        if (derivative != null) {
            // A class whose distance sum is exactly 0 has every pair distance 0, where each metric's pair derivative
            // is 0 (SPEC section 5): it carries no gradient. Zeroing its entry keeps the 1/b-sized values of b -> 0
            // (a softmin dominated by such a class) from overflowing the float coefficients of float32 backends.
            for (int k = 0; k < classes; k++) {
                if (sums[sumsOffset + k] == 0.0) {
                    derivative[derivativeOffset + k] = 0.0;
                }
            }
        }
        return Math.max(-1.0, Math.min(1.0, s));
    }
}
