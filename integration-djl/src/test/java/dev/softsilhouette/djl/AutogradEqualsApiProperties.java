package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient DJL's autograd delivers to the embeddings equals the API's {@code forwardBackward} to 1e-6 relative,
 * and the value equals the API's, for every metric, tau 0 and 0.1 and every reduction, on random batches.
 */
class AutogradEqualsApiProperties {
    private static final double[] TEMPERATURES = {0.0, 0.1};

    @Property(tries = 25, seed = "20261130")
    void gradientAndValueEqualTheApi(@ForAll @IntRange(min = 2, max = 48) int n,
                                     @ForAll @IntRange(min = 1, max = 24) int d,
                                     @ForAll @IntRange(min = 1, max = 6) int k,
                                     @ForAll long seed) {
        Batches.Batch b = Batches.Batch.random(seed, n, d, k);
        for (Metric metric : Metric.values()) {
            for (double tau : TEMPERATURES) {
                for (Reduction reduction : Reduction.values()) {
                    check(b, metric, tau, reduction, 1.0);
                }
            }
        }
    }

    @Property(tries = 10, seed = "7011")
    void aWeightScalesValueAndGradient(@ForAll @IntRange(min = 3, max = 32) int n, @ForAll long seed) {
        Batches.Batch b = Batches.Batch.random(seed, n, 5, 3);
        for (Reduction reduction : Reduction.values()) {
            check(b, Metric.EUCLIDEAN, 0.1, reduction, 0.25);
        }
    }

    private static void check(Batches.Batch b, Metric metric, double tau, Reduction reduction, double weight) {
        String where = metric + " tau=" + tau + " " + reduction + " weight=" + weight + " n=" + b.n() + " d=" + b.d();
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().metric(metric).temperature(tau)
                     .reduction(reduction).build();
             NDManager manager = NDManager.newBaseManager()) {
            float[] expectedGradient = new float[b.x().length];
            float[] expectedLosses = new float[b.n()];
            double expectedValue;
            if (reduction == Reduction.NONE) {
                float[] upstream = new float[b.n()];
                Arrays.fill(upstream, (float) weight);
                api.forwardBackward(Floats.of(b.x()), Ints.of(b.y()), b.n(), b.d(), Floats.of(upstream),
                        Floats.of(expectedLosses), Floats.of(expectedGradient));
                expectedValue = Double.NaN;
            } else {
                expectedValue = weight * api.forwardBackward(Floats.of(b.x()), Ints.of(b.y()), b.n(), b.d(), weight,
                        Floats.of(expectedGradient));
            }
            NDArray x = Batches.embeddings(manager, b);
            Batches.Autograd got = Batches.Autograd.of(manager,
                    new SoftSilhouetteDjlLoss("s", api, weight), x, Batches.labels(manager, b));
            float[] gradient = got.gradient().toFloatArray();
            double error = Batches.relativeError(gradient, expectedGradient);
            assertTrue(error <= 1e-6 || maxAbs(expectedGradient) == 0 && maxAbs(gradient) == 0,
                    where + ": relative gradient error " + error);
            if (reduction == Reduction.NONE) {
                float[] losses = got.value().toFloatArray();
                for (int i = 0; i < losses.length; i++) {
                    assertEquals(weight * expectedLosses[i], losses[i], 1e-6 * Math.max(1, Math.abs(losses[i])),
                            where + ": per-sample loss " + i);
                }
            } else {
                assertEquals(0, got.value().getShape().dimension(), where + ": a scalar");
                assertEquals((float) expectedValue, got.value().getFloat(), where + ": value");
            }
            assertArrayEquals(Batches.embeddings(manager, b).toFloatArray(), x.toFloatArray(),
                    where + ": the embeddings are not written");
        }
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
