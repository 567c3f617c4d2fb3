package dev.softsilhouette.cpu;

import dev.softsilhouette.Floats;
import dev.softsilhouette.HybridLoss;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.spi.SupConBackend.HybridTerms;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * cpu-vector's SupCon and hybrid objective against the float64 reference (SPEC sections 8 and 11) on shapes around the
 * tile edges, and bit-identical on repeated calls. The conformance kit covers the rest.
 */
class SupConAccuracyTest {
    private static final int[] ROWS = {1, 2, 3, 5, 17, 63, 64, 65, 130, 257};
    /** From 3: at D = 1 every gradient is radial, exactly 0 after the normalisation, and a float32 kernel returns its rounding. */
    private static final int[] DIMS = {3, 16, 17, 65};

    @Test
    void supConMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(16);
        for (double temperature : new double[] {0.07, 0.5}) {
            SupConLoss fast = SupConLoss.builder().backend("cpu-vector").temperature(temperature).build();
            SupConLoss oracle = fast.toBuilder().backend("reference").build();
            for (int n : ROWS) {
                for (int d : DIMS) {
                    int[] y = Batches.labels(n, 1 + random.nextInt(Math.min(n, 6)), random);
                    float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
                    float[] g = new float[n * d];
                    float[] gRef = new float[n * d];
                    double value = fast.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g));
                    double ref = oracle.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gRef));
                    String where = "n=" + n + " d=" + d + " T=" + temperature;
                    assertEquals(ref, value, 1e-4 * Math.max(1, Math.abs(ref)), where);
                    double err = AccuracyTest.frobeniusDifference(g, gRef);
                    assertTrue(err <= 1e-3 * AccuracyTest.frobenius(gRef) + 1e-6, where + ": gradient error " + err
                            + " of " + AccuracyTest.frobenius(gRef));
                }
            }
        }
    }

    @Test
    void perAnchorLossesAndWeightedBackwardMatchTheReference() {
        SplittableRandom random = new SplittableRandom(7);
        int n = 90;
        int d = 20;
        int[] y = Batches.labels(n, 7, random);
        y[0] = 99; // a singleton: no positive, loss 0
        float[] x = Batches.embeddings(n, d, y, 3.0, 0.0, random);
        float[] upstream = new float[n];
        for (int i = 0; i < n; i++) {
            upstream[i] = (float) random.nextDouble(-1, 2);
        }
        SupConLoss fast = SupConLoss.builder().backend("cpu-vector").reduction(Reduction.NONE).build();
        SupConLoss oracle = fast.toBuilder().backend("reference").build();
        float[] l = new float[n];
        float[] lRef = new float[n];
        float[] g = new float[n * d];
        float[] gRef = new float[n * d];
        fast.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(upstream), Floats.of(l), Floats.of(g));
        oracle.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(upstream), Floats.of(lRef), Floats.of(gRef));
        assertEquals(0f, l[0]);
        for (int i = 0; i < n; i++) {
            assertEquals(lRef[i], l[i], 1e-4 * Math.max(1, Math.abs(lRef[i])), "anchor " + i);
        }
        assertTrue(AccuracyTest.frobeniusDifference(g, gRef) <= 1e-3 * AccuracyTest.frobenius(gRef) + 1e-7);
    }

    @Test
    void hybridMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(11);
        for (int n : ROWS) {
            for (int d : new int[] {3, 17, 64}) {
                int[] y = Batches.labels(n, 1 + random.nextInt(Math.min(n, 5)), random);
                float[] x = Batches.embeddings(n, d, y, 1.0, 0.5, random);
                HybridLoss fast = HybridLoss.builder().backend("cpu-vector").supConWeight(0.5).silhouetteWeight(2.0)
                        .build();
                HybridLoss oracle = HybridLoss.builder().backend("reference").supConWeight(0.5).silhouetteWeight(2.0)
                        .build();
                float[] g = new float[n * d];
                float[] gRef = new float[n * d];
                double value = fast.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g));
                double ref = oracle.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gRef));
                String where = "n=" + n + " d=" + d;
                assertEquals(ref, value, 1e-4 * Math.max(1, Math.abs(ref)), where);
                double err = AccuracyTest.frobeniusDifference(g, gRef);
                assertTrue(err <= 1e-3 * AccuracyTest.frobenius(gRef) + 1e-6, where + ": gradient error " + err
                        + " of " + AccuracyTest.frobenius(gRef));
                assertEquals(ref, fast.forward(Floats.of(x), Ints.of(y), n, d), 1e-4 * Math.max(1, Math.abs(ref)));
            }
        }
    }

    /**
     * Both plans of the hybrid (one pass over the Gram tiles, or SupCon's tiles then the cosine silhouette from class
     * statistics) against the reference, on shapes where the rule picks each; the rule at the benchmark's shapes.
     */
    @Test
    void bothHybridPlansMatchTheReference() {
        SplittableRandom random = new SplittableRandom(23);
        HybridTerms perRow = new HybridTerms(new SupConTemperatures(0.1, 0.07), 0.5, 0.2, 2.0);
        HybridLoss oracle = HybridLoss.builder().backend("reference").supConWeight(0.5).silhouetteWeight(2.0)
                .temperature(0.1).baseTemperature(0.07).silhouetteTemperature(0.2).build();
        try (CpuVectorBackend backend = new CpuVectorBackend(2)) {
            for (int[] shape : new int[][] {{40, 3, 4}, {200, 5, 6}, {300, 8, 1}, {130, 64, 9}}) {
                int n = shape[0];
                int d = shape[1];
                int[] y = Batches.labels(n, shape[2], random);
                float[] x = Batches.embeddings(n, d, y, 1.0, 0.5, random);
                float[] gRef = new float[n * d];
                double ref = oracle.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gRef));
                HybridTerms mean = new HybridTerms(perRow.temperatures(), perRow.supConWeight() / n,
                        perRow.silhouetteTau(), perRow.silhouetteWeight() / n);
                for (boolean fused : new boolean[] {true, false}) {
                    float[] g = new float[n * d];
                    double value = backend.hybridAndGradient(Batches.prepare(x, y, d), mean,
                            java.lang.foreign.MemorySegment.ofArray(g), fused);
                    String where = Arrays.toString(shape) + " fused=" + fused;
                    assertEquals(ref, value, 1e-4 * Math.max(1, Math.abs(ref)), where);
                    double err = AccuracyTest.frobeniusDifference(g, gRef);
                    assertTrue(err <= 1e-3 * AccuracyTest.frobenius(gRef) + 1e-6, where + ": gradient error " + err
                            + " of " + AccuracyTest.frobenius(gRef));
                }
            }
        }
        assertTrue(CpuVectorBackend.fusesHybrid(256, 128) && CpuVectorBackend.fusesHybrid(4096, 128)
                && CpuVectorBackend.fusesHybrid(4096, 256));
        assertFalse(CpuVectorBackend.fusesHybrid(8192, 128) || CpuVectorBackend.fusesHybrid(300, 8));
    }

    @Test
    void repeatedCallsGiveTheSameBits() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 700;
        int d = 40;
        int[] y = Batches.labels(n, 10, random);
        float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
        SupConLoss loss = SupConLoss.builder().backend("cpu-vector").build();
        float[] first = new float[n * d];
        float[] again = new float[n * d];
        double a = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(first));
        double b = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(again));
        assertEquals(Double.doubleToLongBits(a), Double.doubleToLongBits(b));
        assertArrayEquals(first, again);
    }
}
