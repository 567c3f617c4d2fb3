package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend.HybridTerms;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain-loop code ({@code LaneSimdOps}) gives the same bits as the Vector API code for every operation, shape,
 * metric and temperature: the cold path a backend starts on changes speed only. Shapes cover vector and scalar tails
 * (D from 1 to 257, N around the tile sizes), near-duplicate rows (the direct recomputation of cancelled distances),
 * many classes, extreme magnitudes, per-row weights, a subnormal temperature, and both plans of the hybrid.
 */
class LaneCodeTest {

    private record Result(double sum, float[] rows, float[] gradient) {
    }

    private static Result silhouette(CpuVectorBackend backend, PreparedBatch batch, Metric metric, double tau,
                                     boolean gradient, MemorySegment rowWeights) {
        int n = batch.rows();
        float[] s = new float[n];
        float[] g = gradient ? new float[n * batch.dims()] : null;
        double sum = backend.silhouettesAndGradient(batch, metric, tau, 1.0 / n, rowWeights, MemorySegment.ofArray(s),
                g == null ? null : MemorySegment.ofArray(g));
        return new Result(sum, s, g);
    }

    private static void assertSameBits(Result expected, Result actual, String what) {
        assertEquals(Double.doubleToRawLongBits(expected.sum()), Double.doubleToRawLongBits(actual.sum()),
                what + ": " + expected.sum() + " vs " + actual.sum());
        assertArrayEquals(bits(expected.rows()), bits(actual.rows()), what);
        if (expected.gradient() != null) {
            assertArrayEquals(bits(expected.gradient()), bits(actual.gradient()), what);
        }
    }

    private static int[] bits(float[] values) {
        return values == null ? null : Arrays.stream(toBoxed(values)).mapToInt(Float::floatToRawIntBits).toArray();
    }

    private static Float[] toBoxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void sameBitsAsTheVectorCode() {
        CpuVectorBackend vector = new CpuVectorBackend(2, CpuVectorBackend.Code.VECTOR);
        CpuVectorBackend lanes = new CpuVectorBackend(2, CpuVectorBackend.Code.LANES);
        assertTrue(vector.runsVectorCode());
        assertTrue(!lanes.runsVectorCode());
        int[][] shapes = {{2, 1, 2}, {3, 3, 2}, {17, 7, 3}, {33, 16, 4}, {65, 17, 5}, {97, 31, 12}, {129, 64, 7},
                {150, 33, 6}, {300, 257, 9}, {200, 48, 60}, {520, 20, 10}, {300, 4, 5}};
        double[] magnitudes = {1.0, 1e-20, 1e18};
        int index = 0;
        for (int[] shape : shapes) {
            int n = shape[0];
            int d = shape[1];
            SplittableRandom random = new SplittableRandom(n * 31L + d);
            int[] y = Batches.labels(n, shape[2], random);
            double magnitude = magnitudes[index++ % magnitudes.length];
            float[] x = Batches.embeddings(n, d, y, magnitude, 50.0 * magnitude, random);
            if (n > 10) { // near-duplicate rows: the expanded distances cancel and are recomputed directly
                System.arraycopy(x, 0, x, d, d);
                x[d] = Math.nextUp(x[d]);
            }
            PreparedBatch batch = Batches.prepare(x, y, d);
            float[] weights = new float[n];
            for (int i = 0; i < n; i++) {
                weights[i] = (float) random.nextDouble();
            }
            for (Metric metric : Metric.values()) {
                for (double tau : new double[] {0.0, 0.01, 0.1, 1.0, Double.MIN_VALUE}) {
                    for (boolean gradient : new boolean[] {false, true}) {
                        String what = metric + " tau=" + tau + " gradient=" + gradient + " " + Arrays.toString(shape);
                        assertSameBits(silhouette(vector, batch, metric, tau, gradient, null),
                                silhouette(lanes, batch, metric, tau, gradient, null), what);
                    }
                }
                MemorySegment rowWeights = MemorySegment.ofArray(weights);
                assertSameBits(silhouette(vector, batch, metric, 0.1, true, rowWeights),
                        silhouette(lanes, batch, metric, 0.1, true, rowWeights), metric + " row weights");
            }
            SupConTemperatures temperatures = new SupConTemperatures(0.1, 0.07);
            float[] lv = new float[n];
            float[] ll = new float[n];
            float[] gv = new float[n * d];
            float[] gl = new float[n * d];
            double sv = vector.supConAndGradient(batch, temperatures, 1.0 / n, null, MemorySegment.ofArray(lv),
                    MemorySegment.ofArray(gv));
            double sl = lanes.supConAndGradient(batch, temperatures, 1.0 / n, null, MemorySegment.ofArray(ll),
                    MemorySegment.ofArray(gl));
            assertSameBits(new Result(sv, lv, gv), new Result(sl, ll, gl), "supcon " + Arrays.toString(shape));
            HybridTerms terms = new HybridTerms(temperatures, 0.5 / n, 0.1, 0.5 / n);
            double hv = vector.hybridAndGradient(batch, terms, MemorySegment.ofArray(gv));
            double hl = lanes.hybridAndGradient(batch, terms, MemorySegment.ofArray(gl));
            assertSameBits(new Result(hv, new float[0], gv), new Result(hl, new float[0], gl),
                    "hybrid " + Arrays.toString(shape));
        }
        vector.close();
        lanes.close();
    }

    /** The float64 operations of the block decomposition, directly (lengths around the double lane count). */
    @Test
    void doubleOperationsGiveTheSameBits() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps lanes = new LaneSimdOps(vector);
        SplittableRandom random = new SplittableRandom(9);
        for (int len = 0; len <= 41; len++) {
            double[] a = random.doubles(4 * len + 8, -1e3, 1e3).toArray();
            double[] b = random.doubles(len + 2, -1e3, 1e3).toArray();
            int dl = 2 * vector.doubleLanes();
            for (int classes : new int[] {4, 8, 12}) {
                double[] rows = random.doubles((long) len * dl, -1e3, 1e3).toArray();
                double[] means = random.doubles((long) classes * len, -1e3, 1e3).toArray();
                double[] outV = new double[classes * dl];
                double[] outL = new double[classes * dl];
                vector.squaredDistancesByLane(rows, means, classes, len, outV);
                lanes.squaredDistancesByLane(rows, means, classes, len, outL);
                assertArrayEquals(outV, outL, "squaredDistancesByLane " + len + " x " + classes);
            }
            double[] intoV = random.doubles(len + 3).toArray();
            double[] intoL = intoV.clone();
            vector.add(b, intoV, 1, len);
            lanes.add(b, intoL, 1, len);
            assertArrayEquals(intoV, intoL, "add " + len);
        }
    }

    /**
     * The cosine rows' double-precision scalings, directly (lengths around the lane counts, odd offsets): both codes
     * give the bits of the scalar form, each product rounded once to float.
     */
    @Test
    void scalingsInDoubleGiveTheBitsOfTheScalarForm() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps lanes = new LaneSimdOps(vector);
        SplittableRandom random = new SplittableRandom(13);
        for (int len = 0; len <= 4 * vector.lanes() + 3; len++) {
            float[] a = toFloats(random.doubles(len + 3, -1e3, 1e3).toArray());
            float[] shift = toFloats(random.doubles(len + 1, -1, 1).toArray());
            // Signed zeros and a subnormal keep their bits through the widening and narrowing (-0.0 - 0.0 is -0.0).
            for (int t = 3; t < a.length; t += 7) {
                a[t] = t % 3 == 0 ? -0.0f : t % 3 == 1 ? 0.0f : Float.MIN_VALUE;
                shift[t - 3] = 0.0f;
            }
            float[] sum = toFloats(random.doubles(len + 1, -1e3, 1e3).toArray());
            double scale = random.nextDouble(1e-4, 1e-2);
            float[] expectedSum = sum.clone();
            float[] expectedRow = a.clone();
            for (int t = 0; t < len; t++) {
                expectedSum[t] = expectedSum[t] + (float) (a[3 + t] * scale);
                expectedRow[3 + t] = (float) (a[3 + t] * scale - shift[t]);
            }
            for (SimdOps ops : new SimdOps[] {vector, lanes}) {
                float[] sumOut = sum.clone();
                ops.scaleShifted(a, 3, len, scale, new float[len], sumOut, 0, true);
                assertArrayEquals(bits(expectedSum), bits(sumOut), ops.describe() + " accumulated " + len);
                float[] row = a.clone();
                ops.scaleShifted(row, 3, len, scale, shift, row, 3, false);
                assertArrayEquals(bits(expectedRow), bits(row), ops.describe() + " in place " + len);
            }
        }
    }

    /** The float32 distances and float64 sums of the Euclidean block tiles, directly. */
    @Test
    void euclideanTileOperationsGiveTheSameBits() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps lanes = new LaneSimdOps(vector);
        SplittableRandom random = new SplittableRandom(11);
        int l = vector.lanes();
        for (int len = 0; len <= 4 * l + 3; len++) {
            int count = len + 1;
            float[] a = toFloats(random.doubles(6 * count + 2, -1e3, 1e3).toArray());
            float[] b = toFloats(random.doubles(3 * count * l + 3, -1e3, 1e3).toArray());
            float[] cV = new float[6 * (3 * l + 1) + 2];
            float[] cL = new float[cV.length];
            vector.distances6x3(a, 2, count, b, 3, count * l, count, cV, 2, 3 * l + 1);
            lanes.distances6x3(a, 2, count, b, 3, count * l, count, cL, 2, 3 * l + 1);
            assertArrayEquals(bits(cV), bits(cL), "distances6x3 " + count);
            float[] values = toFloats(random.doubles(3 * len + 8, 0, 1e3).toArray());
            assertEquals(Double.doubleToRawLongBits(vector.sumAsDouble(values, 3, 3 + len)),
                    Double.doubleToRawLongBits(lanes.sumAsDouble(values, 3, 3 + len)), "sumAsDouble " + len);
            double[] outV = random.doubles(len + 4).toArray();
            double[] outL = outV.clone();
            int rows = len % 7;
            vector.addRowsAsDouble(values, 1, rows, len / 3 + 1, len, outV, 2);
            lanes.addRowsAsDouble(values, 1, rows, len / 3 + 1, len, outL, 2);
            assertArrayEquals(outV, outL, "addRowsAsDouble " + len);
            double[] shift = random.doubles(len + 1, -10, 10).toArray();
            double[] centredV = new double[len + 1];
            double[] centredL = new double[len + 1];
            for (double divisor : new double[] {1.0, 3.7}) {
                assertEquals(Double.doubleToRawLongBits(vector.scaleAndCentre(values, 2, divisor, shift, centredV, len)),
                        Double.doubleToRawLongBits(lanes.scaleAndCentre(values, 2, divisor, shift, centredL, len)),
                        "scaleAndCentre " + len);
                assertArrayEquals(centredV, centredL, "scaleAndCentre " + len);
            }
            assertEquals(Double.doubleToRawLongBits(vector.squaresAsDouble(values, 1, len)),
                    Double.doubleToRawLongBits(lanes.squaresAsDouble(values, 1, len)), "squaresAsDouble " + len);
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    @Test
    void theFirstCallRunsTheLoopsTheNextTheVectorCode() {
        CpuVectorBackend backend = new CpuVectorBackend(1, CpuVectorBackend.Code.LANES_FIRST);
        assertTrue(!backend.runsVectorCode());
        SplittableRandom random = new SplittableRandom(5);
        int[] y = Batches.labels(20, 3, random);
        PreparedBatch batch = Batches.prepare(Batches.embeddings(20, 4, y, 1.0, 0.0, random), y, 4);
        Result first = silhouette(backend, batch, Metric.EUCLIDEAN, 0.1, true, null);
        assertTrue(backend.workspaceOfThisThread().ranPlainLoops(), "the first call ran the loops");
        assertTrue(backend.runsVectorCode());
        assertSameBits(first, silhouette(backend, batch, Metric.EUCLIDEAN, 0.1, true, null), "second call");
        assertTrue(!backend.workspaceOfThisThread().ranPlainLoops(), "the second call ran the vector code");
        backend.close();
    }

    /** A first call above LANES_MOST_WORK (N^2 D) compiles the vector code during the call instead. */
    @Test
    void aLargeFirstCallRunsTheVectorCode() {
        CpuVectorBackend backend = new CpuVectorBackend(1, CpuVectorBackend.Code.LANES_FIRST);
        int n = 1500;
        int d = 1920; // N^2 D = 4.32e9 > 2^32
        assertTrue((long) n * n * d > CpuVectorBackend.LANES_MOST_WORK);
        SplittableRandom random = new SplittableRandom(6);
        int[] y = Batches.labels(n, 4, random);
        PreparedBatch batch = Batches.prepare(Batches.embeddings(n, d, y, 1.0, 0.0, random), y, d);
        silhouette(backend, batch, Metric.EUCLIDEAN, 0.0, false, null);
        assertTrue(backend.runsVectorCode());
        assertTrue(!backend.workspaceOfThisThread().ranPlainLoops(), "the first call ran the vector code");
        backend.close();
    }
}
