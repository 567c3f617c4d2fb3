package dev.softsilhouette.conformance;

/**
 * The accuracy contract of SPEC section 8, and the looser bound for stress inputs that {@code docs/conformance.md}
 * defines. Every check throws an {@link AssertionError} that names what was compared and both values.
 */
public final class Tolerances {
    private Tolerances() {
    }

    /** SPEC 8: |L - L_ref| <= 1e-4 max(1, |L_ref|). */
    public static final double LOSS = 1e-4;
    /** SPEC 8: ||G - G_ref|| <= 1e-3 max(||G_ref||, ||G_abs||) + 1e-7 (Frobenius; G_abs: {@link AbsoluteGradient}). */
    public static final double GRADIENT_RELATIVE = 1e-3;
    public static final double GRADIENT_ABSOLUTE = 1e-7;
    /** SPEC 8: |S - S_ref| <= 1e-4. */
    public static final double SCORE = 1e-4;

    /** Looser bound (docs/conformance.md): loss, per-sample values and score within 1e-2 of the reference. */
    public static final double STRESS_VALUE = 1e-2;
    /**
     * Looser bound: ||G - G_ref|| <= 1e-2 max(||G_ref||, ||G_abs||) (no absolute term: gradients scale with
     * 1/magnitude).
     */
    public static final double STRESS_GRADIENT_RELATIVE = 1e-2;

    public static void loss(String what, double actual, double reference) {
        value(what, actual, reference, LOSS * Math.max(1.0, Math.abs(reference)));
    }

    public static void stressLoss(String what, double actual, double reference) {
        value(what, actual, reference, STRESS_VALUE * Math.max(1.0, Math.abs(reference)));
    }

    public static void score(String what, double actual, double reference) {
        value(what, actual, reference, SCORE);
    }

    /** Per-sample losses l_i, each with the loss tolerance. */
    public static void perSampleLosses(String what, float[] actual, float[] reference) {
        for (int i = 0; i < reference.length; i++) {
            value(what + "[" + i + "]", actual[i], reference[i], LOSS * Math.max(1.0, Math.abs(reference[i])));
        }
    }

    /** Per-sample silhouettes s_i, each with the score tolerance. */
    public static void samples(String what, float[] actual, float[] reference) {
        for (int i = 0; i < reference.length; i++) {
            value(what + "[" + i + "]", actual[i], reference[i], SCORE);
        }
    }

    public static void stressSamples(String what, float[] actual, float[] reference) {
        for (int i = 0; i < reference.length; i++) {
            value(what + "[" + i + "]", actual[i], reference[i], STRESS_VALUE);
        }
    }

    /**
     * The SPEC 8 gradient bound.
     *
     * @param absolute ||G_abs|| of the compared gradient ({@link AbsoluteGradient#norm}): the scale of what a float32
     *                 kernel sums, which can be far above ||G_ref|| when the per-sample terms cancel
     */
    public static void gradient(String what, float[] actual, float[] reference, double absolute) {
        gradientWithin(what, actual, reference, gradientBound(reference, absolute));
    }

    /** 1e-3 max(||G_ref||, ||G_abs||) + 1e-7. */
    public static double gradientBound(float[] reference, double absolute) {
        return GRADIENT_RELATIVE * Math.max(frobenius(reference), absolute) + GRADIENT_ABSOLUTE;
    }

    public static void stressGradient(String what, float[] actual, float[] reference, double absolute) {
        gradientWithin(what, actual, reference, STRESS_GRADIENT_RELATIVE * Math.max(frobenius(reference), absolute));
    }

    /** ||actual - reference||_F <= bound. */
    public static void gradientWithin(String what, float[] actual, float[] reference, double bound) {
        finite(what, actual);
        double error = frobeniusOfDifference(actual, reference);
        if (!(error <= bound)) {
            throw new AssertionError(what + ": ||G - G_ref|| = " + error + " exceeds " + bound + " (||G_ref|| = "
                    + frobenius(reference) + ", largest difference at " + largestDifference(actual, reference) + ")");
        }
    }

    public static void value(String what, double actual, double reference, double bound) {
        if (!(Math.abs(actual - reference) <= bound)) {
            throw new AssertionError(what + ": got " + actual + ", reference " + reference + ", |difference| "
                    + Math.abs(actual - reference) + " exceeds " + bound);
        }
    }

    public static void finite(String what, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new AssertionError(what + "[" + i + "] is " + values[i]);
            }
        }
    }

    public static void finite(String what, double value) {
        if (!Double.isFinite(value)) {
            throw new AssertionError(what + " is " + value);
        }
    }

    public static double frobenius(float[] values) {
        double sq = 0.0;
        for (float v : values) {
            sq += (double) v * v;
        }
        return Math.sqrt(sq);
    }

    public static double frobeniusOfDifference(float[] a, float[] b) {
        double sq = 0.0;
        for (int i = 0; i < b.length; i++) {
            double diff = (double) a[i] - b[i];
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }

    private static String largestDifference(float[] a, float[] b) {
        int worst = 0;
        for (int i = 0; i < b.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= Math.abs(a[worst] - b[worst]))) {
                worst = i;
            }
        }
        return "index " + worst + ": " + a[worst] + " vs " + b[worst];
    }

    /** Bit-for-bit equality of two float arrays. */
    public static void identical(String what, float[] actual, float[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
                throw new AssertionError(what + "[" + i + "]: got " + actual[i] + ", expected bit-identical "
                        + expected[i]);
            }
        }
    }

    public static void identical(String what, double actual, double expected) {
        if (Double.doubleToRawLongBits(actual) != Double.doubleToRawLongBits(expected)) {
            throw new AssertionError(what + ": got " + actual + ", expected bit-identical " + expected);
        }
    }
}
