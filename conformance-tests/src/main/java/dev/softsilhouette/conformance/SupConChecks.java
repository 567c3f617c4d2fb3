package dev.softsilhouette.conformance;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC section 11's accuracy contract (that of section 8): the loss and gradient bounds, for the SupCon properties. */
final class SupConChecks {
    private static final double LOSS = 1e-4;
    private static final double GRADIENT_RELATIVE = 1e-3;
    private static final double GRADIENT_ABSOLUTE = 1e-7;

    private SupConChecks() {
    }

    static void loss(String what, double actual, double reference) {
        assertTrue(Double.isFinite(actual), what + " is " + actual);
        assertTrue(Math.abs(actual - reference) <= LOSS * Math.max(1, Math.abs(reference)),
                what + ": " + actual + " vs " + reference);
    }

    /** {@code ||G - G_ref|| <= 1e-3 max(||G_ref||, absolute) + 1e-7}; absolute from {@link SupConLiteral#absoluteGradientNorm}. */
    static void gradient(String what, float[] actual, float[] reference, double absolute) {
        double diff = 0;
        double norm = 0;
        for (int k = 0; k < actual.length; k++) {
            assertTrue(Float.isFinite(actual[k]), what + ": value " + k + " is " + actual[k]);
            double e = (double) actual[k] - reference[k];
            diff += e * e;
            norm += (double) reference[k] * reference[k];
        }
        double bound = GRADIENT_RELATIVE * Math.max(Math.sqrt(norm), absolute) + GRADIENT_ABSOLUTE;
        assertTrue(Math.sqrt(diff) <= bound, what + ": ||G - G_ref|| = " + Math.sqrt(diff) + " > " + bound);
    }

    /** G_abs for a problem with one weight on every row. */
    static double absolute(SupConContract.SupConProblem q, float[] x, int[] labels, double weight) {
        double[] w = new double[labels.length];
        Arrays.fill(w, weight);
        return absolute(q, x, labels, w);
    }

    static double absolute(SupConContract.SupConProblem q, float[] x, int[] labels, double[] weights) {
        return SupConLiteral.absoluteGradientNorm(LiteralDefinition.widen(x), labels, x.length / labels.length,
                q.temperature(), q.baseTemperature(), weights);
    }

    static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
