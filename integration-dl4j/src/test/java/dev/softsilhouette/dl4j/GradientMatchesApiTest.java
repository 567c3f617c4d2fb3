package dev.softsilhouette.dl4j;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On random batches (fixed seeds), what DL4J receives is the API's: the score is the MEAN loss, the gradient N times
 * the MEAN gradient (DL4J divides by N), through the activation, with masked rows out of the batch.
 */
class GradientMatchesApiTest {
    private static final int BATCHES = 24;

    /** A random batch: N rows of D values (some classes may be singletons), labels as indices. */
    private record Batch(int n, int d, float[] x, int[] y) {
        static Batch random(Random random) {
            int n = 4 + random.nextInt(40);
            int d = 1 + random.nextInt(12);
            int k = 2 + random.nextInt(4);
            float[] x = new float[n * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i < k ? i : random.nextInt(k); // every class present
            }
            return new Batch(n, d, x, y);
        }

        INDArray preOutput(DataType type) {
            return Nd4j.create(x, new long[]{n, d}, 'c').castTo(type);
        }

        INDArray indexLabels() {
            INDArray labels = Nd4j.zeros(DataType.FLOAT, n, 1);
            for (int i = 0; i < n; i++) {
                labels.putScalar(i, 0, y[i]);
            }
            return labels;
        }
    }

    private static SoftSilhouetteLoss api(Random random) {
        Metric metric = Metric.values()[random.nextInt(Metric.values().length)];
        double tau = random.nextBoolean() ? 0.0 : 0.1;
        return SoftSilhouetteLoss.builder().metric(metric).temperature(tau).build();
    }

    @Test
    void identityActivationGivesTheApiGradientTimesN() {
        Random random = new Random(20261130);
        for (int b = 0; b < BATCHES; b++) {
            Batch batch = Batch.random(random);
            SoftSilhouetteLoss api = api(random);
            float[] expected = new float[batch.x.length];
            double mean = api.forwardBackward(Floats.of(batch.x), Ints.of(batch.y), batch.n, batch.d,
                    Floats.of(expected));
            LossSoftSilhouette loss = new LossSoftSilhouette(api);
            Pair<Double, INDArray> result = loss.computeGradientAndScore(batch.indexLabels(),
                    batch.preOutput(DataType.FLOAT), Activation.IDENTITY.getActivationFunction(), null, true);
            String what = "batch " + b + " " + api;
            assertEquals(mean, result.getFirst(), 0.0, what);
            assertEquals(mean * batch.n, loss.computeScore(batch.indexLabels(), batch.preOutput(DataType.FLOAT),
                    Activation.IDENTITY.getActivationFunction(), null, false), 1e-12 * batch.n, what);
            float[] actual = result.getSecond().reshape(new long[]{batch.x.length}).toFloatVector();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i] * batch.n, actual[i], 1e-6f * Math.abs(expected[i] * batch.n) + 1e-12f,
                        what + " index " + i);
            }
        }
    }

    @Test
    void theGradientGoesBackThroughTheActivation() {
        Random random = new Random(7);
        IActivation tanh = Activation.TANH.getActivationFunction();
        for (int b = 0; b < BATCHES / 4; b++) {
            Batch batch = Batch.random(random);
            SoftSilhouetteLoss api = api(random);
            INDArray z = batch.preOutput(DataType.FLOAT);
            float[] a = tanh.getActivation(z.dup(), true).reshape(new long[]{batch.x.length}).toFloatVector();
            float[] g = new float[a.length];
            double mean = api.forwardBackward(Floats.of(a), Ints.of(batch.y), batch.n, batch.d, Floats.of(g));
            Pair<Double, INDArray> result = new LossSoftSilhouette(api).computeGradientAndScore(batch.indexLabels(),
                    z, tanh, null, true);
            assertEquals(mean, result.getFirst(), 0.0);
            float[] actual = result.getSecond().reshape(new long[]{a.length}).toFloatVector();
            for (int i = 0; i < a.length; i++) {
                double expected = g[i] * batch.n * (1 - (double) a[i] * a[i]);
                assertEquals(expected, actual[i], 1e-5 * Math.abs(expected) + 1e-9, "batch " + b + " index " + i);
            }
        }
    }

    @Test
    void maskedRowsAreLeftOutOfTheBatch() {
        Random random = new Random(99);
        for (int b = 0; b < BATCHES / 4; b++) {
            Batch batch = Batch.random(random);
            SoftSilhouetteLoss api = api(random);
            INDArray mask = Nd4j.ones(DataType.FLOAT, batch.n, 1);
            int keptCount = 0;
            boolean[] kept = new boolean[batch.n];
            for (int i = 0; i < batch.n; i++) {
                kept[i] = i < 2 || random.nextInt(4) != 0;
                mask.putScalar(i, 0, kept[i] ? 1 : 0);
                keptCount += kept[i] ? 1 : 0;
            }
            float[] xk = new float[keptCount * batch.d];
            int[] yk = new int[keptCount];
            for (int i = 0, r = 0; i < batch.n; i++) {
                if (kept[i]) {
                    System.arraycopy(batch.x, i * batch.d, xk, r * batch.d, batch.d);
                    yk[r++] = batch.y[i];
                }
            }
            float[] gk = new float[xk.length];
            double mean = api.forwardBackward(Floats.of(xk), Ints.of(yk), keptCount, batch.d, Floats.of(gk));
            Pair<Double, INDArray> result = new LossSoftSilhouette(api).computeGradientAndScore(batch.indexLabels(),
                    batch.preOutput(DataType.FLOAT), Activation.IDENTITY.getActivationFunction(), mask, true);
            assertEquals(mean, result.getFirst(), 0.0, "batch " + b);
            float[] expected = new float[batch.x.length];
            for (int i = 0, r = 0; i < batch.n; i++) {
                if (kept[i]) {
                    for (int t = 0; t < batch.d; t++) {
                        expected[i * batch.d + t] = gk[r * batch.d + t] * batch.n;
                    }
                    r++;
                }
            }
            float[] actual = result.getSecond().reshape(new long[]{expected.length}).toFloatVector();
            assertArrayEquals(expected, actual, 1e-5f, "batch " + b);
        }
    }

    @Test
    void oneHotAndIndexLabelsAreTheSameBatch() {
        Batch batch = Batch.random(new Random(3));
        int k = 0;
        for (int label : batch.y) {
            k = Math.max(k, label + 1);
        }
        INDArray oneHot = Nd4j.zeros(DataType.INT32, batch.n, k + 2);
        for (int i = 0; i < batch.n; i++) {
            oneHot.putScalar(i, batch.y[i], 1);
        }
        LossSoftSilhouette loss = new LossSoftSilhouette();
        IActivation identity = Activation.IDENTITY.getActivationFunction();
        assertEquals(loss.computeGradient(batch.indexLabels(), batch.preOutput(DataType.FLOAT), identity, null),
                loss.computeGradient(oneHot, batch.preOutput(DataType.FLOAT), identity, null));
        INDArray perExample = loss.computeScoreArray(oneHot, batch.preOutput(DataType.FLOAT), identity, null);
        assertArrayEquals(new long[]{batch.n, 1}, perExample.shape());
        assertEquals(loss.computeScore(oneHot, batch.preOutput(DataType.FLOAT), identity, null, false),
                perExample.sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void aSumLossGivesDl4jTheSameAsAMeanLoss() {
        Batch batch = Batch.random(new Random(11));
        IActivation identity = Activation.IDENTITY.getActivationFunction();
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            try (SoftSilhouetteLoss mean = SoftSilhouetteLoss.builder().build();
                 SoftSilhouetteLoss sum = mean.toBuilder().reduction(dev.softsilhouette.Reduction.SUM).build()) {
                Pair<Double, INDArray> m = new LossSoftSilhouette(mean).computeGradientAndScore(batch.indexLabels(),
                        batch.preOutput(type), identity, null, true);
                Pair<Double, INDArray> s = new LossSoftSilhouette(sum).computeGradientAndScore(batch.indexLabels(),
                        batch.preOutput(type), identity, null, true);
                assertEquals(m.getFirst(), s.getFirst(), 1e-6 * m.getFirst(), type.toString());
                assertTrue(m.getSecond().equalsWithEps(s.getSecond(), 1e-5), type.toString());
            }
        }
    }

    @Test
    void doubleActivationsUseTheFloat64Path() {
        Random random = new Random(5);
        for (int b = 0; b < BATCHES / 4; b++) {
            Batch batch = Batch.random(random);
            SoftSilhouetteLoss api = api(random);
            double[] x = new double[batch.x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = batch.x[i];
            }
            double[] g = new double[x.length];
            double mean = api.forwardBackwardFloat64(x, batch.y, batch.d, g);
            Pair<Double, INDArray> result = new LossSoftSilhouette(api).computeGradientAndScore(batch.indexLabels(),
                    batch.preOutput(DataType.DOUBLE), Activation.IDENTITY.getActivationFunction(), null, true);
            assertEquals(mean, result.getFirst(), 0.0);
            double[] actual = result.getSecond().reshape(new long[]{x.length}).toDoubleVector();
            for (int i = 0; i < x.length; i++) {
                assertEquals(g[i] * batch.n, actual[i], 1e-12 * Math.abs(g[i] * batch.n), "index " + i);
            }
        }
    }
}
