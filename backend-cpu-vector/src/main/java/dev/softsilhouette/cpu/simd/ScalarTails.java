package dev.softsilhouette.cpu.simd;

/**
 * The scalar remainders that {@link VectorSimdOps} and its plain-loop twin {@link LaneSimdOps} share: one copy, so
 * that the two give the same bits past the last full vector by construction.
 */
final class ScalarTails {
    private ScalarTails() {
    }

    /**
     * {@link SimdOps#scaleAndCentre} from element {@code from} on: each element divided by {@code divisor} (unless it
     * is 1), less its shift, written to {@code out} and its square added to {@code sum}.
     */
    static double scaleAndCentre(float[] x, int xOff, double divisor, double[] shift, double[] out, int from, int len,
                                 double sum) {
        boolean scale = divisor != 1.0;
        for (int t = from; t < len; t++) {
            double v = x[xOff + t];
            if (scale) {
                v = v / divisor;
            }
            v = v - shift[t];
            out[t] = v;
            sum = Math.fma(v, v, sum);
        }
        return sum;
    }

    /**
     * {@link SimdOps#scaleShifted} from element {@code from} on: {@code (float) (a * scale - shift)} in double, stored
     * in {@code out} or added to it in float.
     */
    static void scaleShifted(float[] a, int off, double scale, float[] shift, float[] out, int outOff,
                             boolean accumulate, int from, int len) {
        for (int t = from; t < len; t++) {
            float v = (float) (a[off + t] * scale - shift[t]);
            out[outOff + t] = accumulate ? out[outOff + t] + v : v;
        }
    }
}
