package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;

import java.util.Random;

/** Random batches and the autograd gradient a DJL loss delivers to its embeddings. */
final class Batches {
    private Batches() {
    }

    /** A batch of n rows of d Gaussian values, labels {@code 0..k-1} with every class present when n >= k. */
    record Batch(int n, int d, float[] x, int[] y) {
        static Batch random(long seed, int n, int d, int k) {
            Random r = new Random(seed);
            float[] x = new float[n * d];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = i < k ? i : r.nextInt(k);
            }
            return new Batch(n, d, x, y);
        }

        double[] xAsDoubles() {
            double[] v = new double[x.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = x[i];
            }
            return v;
        }
    }

    /** The value and the gradient with respect to {@code x} that DJL's autograd gives for {@code loss}. */
    record Autograd(NDArray value, NDArray gradient) {
        static Autograd of(NDManager manager, Loss loss, NDArray x, NDArray labels) {
            x.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray value = loss.evaluate(new NDList(labels), new NDList(x));
                collector.backward(value);
                return new Autograd(value, x.getGradient());
            }
        }
    }

    static NDArray embeddings(NDManager manager, Batch b) {
        return manager.create(b.x(), new Shape(b.n(), b.d()));
    }

    static NDArray labels(NDManager manager, Batch b) {
        return manager.create(b.y());
    }

    /** Frobenius norm of {@code a - b} relative to the norm of {@code b} (plus a floor for an all-zero b). */
    static double relativeError(float[] a, float[] b) {
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            ref += (double) b[i] * b[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(ref), 1e-30);
    }
}
