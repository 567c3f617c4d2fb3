package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float64 entry: the same function as the float32 path, and a gradient that central differences confirm. */
class Float64PathTest {
    private static final int N = 12;
    private static final int D = 3;

    private static double[] randomRows(long seed) {
        Random random = new Random(seed);
        double[] x = new double[N * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        return x;
    }

    private static final int[] LABELS = {0, 0, 0, 0, 7, 7, 7, 7, 3, 3, 3, 9};

    /** Central differences at step 1e-6 on float64 data: agreement to 1e-6 relative (float32 could give ~1e-1). */
    @Test
    void gradientMatchesCentralDifferencesForEveryMetricAndReduction() {
        for (Metric metric : Metric.values()) {
            for (Reduction reduction : new Reduction[]{Reduction.MEAN, Reduction.SUM}) {
                SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").metric(metric)
                        .temperature(0.1).reduction(reduction).build();
                double[] x = randomRows(11);
                double[] g = new double[N * D];
                double value = loss.forwardBackwardFloat64(x, LABELS, D, g);
                assertEquals(value, loss.forwardFloat64(x, LABELS, D), 0.0);
                double h = 1e-6;
                double worst = 0;
                double norm = 0;
                for (int i = 0; i < x.length; i++) {
                    double[] plus = x.clone();
                    double[] minus = x.clone();
                    plus[i] += h;
                    minus[i] -= h;
                    double numeric = (loss.forwardFloat64(plus, LABELS, D) - loss.forwardFloat64(minus, LABELS, D))
                            / (2 * h);
                    worst = Math.max(worst, Math.abs(numeric - g[i]));
                    norm = Math.max(norm, Math.abs(g[i]));
                }
                assertTrue(norm > 1e-3, metric + " " + reduction + ": a gradient to check");
                assertTrue(worst <= 1e-6 * norm, metric + " " + reduction + ": max |numeric - analytic| = " + worst
                        + " for max |g| = " + norm);
            }
        }
    }

    /** On data exact in float32 the two paths compute the same function: the float32 path within SPEC section 8. */
    @Test
    void agreesWithTheFloat32Path() {
        for (Metric metric : Metric.values()) {
            SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").metric(metric).build();
            double[] x = randomRows(5);
            float[] xf = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                xf[i] = (float) x[i];
                x[i] = xf[i];
            }
            double[] g64 = new double[x.length];
            float[] g32 = new float[x.length];
            double v64 = loss.forwardBackwardFloat64(x, LABELS, D, g64);
            double v32 = loss.forwardBackward(xf, LABELS, D, g32);
            assertEquals(v64, v32, 1e-12, metric.toString());
            for (int i = 0; i < x.length; i++) {
                assertEquals(g64[i], g32[i], 1e-6 * (1 + Math.abs(g64[i])), metric + " index " + i);
            }
        }
    }

    @Test
    void badInputIsRejectedBeforeAnythingIsWritten() {
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").build();
        double[] x = randomRows(3);
        double[] g = new double[N * D];
        Arrays.fill(g, 42.0);
        double[] nan = x.clone();
        nan[2 * D + 1] = Double.NaN;
        assertMessage("embeddings: row 2 column 1 is NaN", () -> loss.forwardBackwardFloat64(nan, LABELS, D, g));
        assertMessage("embeddings: buffer holds", () -> loss.forwardBackwardFloat64(new double[5], LABELS, D, g));
        assertMessage("gradient: buffer holds", () -> loss.forwardBackwardFloat64(x, LABELS, D, new double[3]));
        assertMessage("gradient: the output overlaps embeddings", () -> loss.forwardBackwardFloat64(x, LABELS, D, x));
        int[] negative = LABELS.clone();
        negative[4] = -1;
        assertMessage("labels: index 4 is -1", () -> loss.forwardBackwardFloat64(x, negative, D, g));
        assertMessage("d: ", () -> loss.forwardFloat64(x, LABELS, 0));
        double[] expected = new double[N * D];
        Arrays.fill(expected, 42.0);
        assertArrayEquals(expected, g, 0.0);
        SoftSilhouetteLoss none = loss.toBuilder().reduction(Reduction.NONE).build();
        assertThrows(IllegalStateException.class, () -> none.forwardFloat64(x, LABELS, D));
    }

    private static void assertMessage(String start, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }
}
