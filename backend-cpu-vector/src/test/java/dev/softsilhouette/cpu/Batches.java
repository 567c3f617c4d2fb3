package dev.softsilhouette.cpu;

import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Test data: labelled Gaussian clusters without near-duplicate rows, and prepared batches built by hand. */
final class Batches {
    private Batches() {
    }

    /** Random labels in [0, k) (spread out as sparse values 7c + 3), each of the k classes present when n >= k. */
    static int[] labels(int n, int k, SplittableRandom random) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i < k ? i : random.nextInt(k);
            y[i] = 7 * c + 3;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        return y;
    }

    /**
     * Rows around one random centre per label, times {@code magnitude}, shifted by {@code offset}; redrawn until every
     * pair distance is at least 1e-3 times the largest (SPEC section 8's precondition). One dimension uses a jittered
     * grid, where random points would collide.
     */
    static float[] embeddings(int n, int d, int[] labels, double magnitude, double offset, SplittableRandom random) {
        for (int attempt = 0; ; attempt++) {
            float[] x = new float[n * d];
            if (d == 1) {
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
                for (int i = 0; i < n; i++) {
                    x[i] = (float) ((order[i] + 0.3 * random.nextDouble()) * magnitude + offset);
                }
            } else {
                double[][] centres = new double[1 + Arrays.stream(labels).max().orElse(0)][];
                for (int i = 0; i < n; i++) {
                    if (centres[labels[i]] == null) {
                        centres[labels[i]] = new double[d];
                        for (int t = 0; t < d; t++) {
                            centres[labels[i]][t] = 2.0 * random.nextGaussian();
                        }
                    }
                    for (int t = 0; t < d; t++) {
                        x[i * d + t] = (float) ((centres[labels[i]][t] + random.nextGaussian()) * magnitude + offset);
                    }
                }
            }
            if (attempt >= 20 || separated(x, n, d)) {
                return x;
            }
        }
    }

    private static boolean separated(float[] x, int n, int d) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double e = (double) x[i * d + t] - x[j * d + t];
                    s += e * e;
                }
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        return n < 2 || Math.sqrt(min) >= 1e-3 * Math.sqrt(max);
    }

    /** A prepared batch built directly (the API layer's LabelPreparation is not public): compact, stable sort. */
    static PreparedBatch prepare(float[] x, int[] labels, int d) {
        int n = labels.length;
        int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
        int k = distinct.length;
        int[] compact = new int[n];
        for (int i = 0; i < n; i++) {
            compact[i] = Arrays.binarySearch(distinct, labels[i]);
        }
        int[] offsets = new int[k + 1];
        for (int c : compact) {
            offsets[c + 1]++;
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        int[] fill = Arrays.copyOf(offsets, k);
        int[] sorted = new int[n];
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            int p = fill[compact[i]]++;
            sorted[p] = i;
            positions[i] = p;
        }
        return new PreparedBatch(MemorySegment.ofArray(x), n, d, k, compact, sorted, positions, offsets);
    }
}
