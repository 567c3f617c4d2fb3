package dev.softsilhouette.bench.workload;

import java.util.SplittableRandom;

/**
 * Fixed-seed synthetic data with clustered classes: K centres drawn from N(0, 1)^D, each row its class centre plus
 * N(0, 0.5^2)^D noise. Labels are balanced (every class has N/K rows, give or take one) and shuffled, so backends do
 * their class sorting as they would on a real batch. The same workload always gives the same bytes.
 */
public record SyntheticBatch(float[] embeddings, int[] labels, int n, int d, int k) {

    /** The seed every benchmark uses. */
    public static final long SEED = 20260408L;
    private static final double NOISE = 0.5;

    public static SyntheticBatch clustered(Workload w) {
        return clustered(w.n(), w.d(), w.k(), SEED);
    }

    public static SyntheticBatch clustered(int n, int d, int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ ((long) n * 31 + d) * 31 + k);
        double[] centres = new double[k * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = random.nextGaussian();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        float[] x = new float[Math.multiplyExact(n, d)];
        for (int i = 0; i < n; i++) {
            int c = labels[i];
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (centres[c * d + t] + NOISE * random.nextGaussian());
            }
        }
        return new SyntheticBatch(x, labels, n, d, k);
    }
}
