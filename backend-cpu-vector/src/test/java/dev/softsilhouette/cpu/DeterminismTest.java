package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Results are bit-identical call after call, and for 1, 2 and 3 worker threads (fixed partitions and orders). */
class DeterminismTest {

    private record Result(double sum, float[] silhouettes, float[] gradient) {
    }

    private static Result run(CpuVectorBackend backend, PreparedBatch batch, Metric metric, double tau) {
        int n = batch.rows();
        float[] s = new float[n];
        float[] g = new float[n * batch.dims()];
        double sum = backend.silhouettesAndGradient(batch, metric, tau, 1.0 / n, null, MemorySegment.ofArray(s),
                MemorySegment.ofArray(g));
        return new Result(sum, s, g);
    }

    @Test
    void bitIdenticalAcrossCallsAndThreadCounts() {
        CpuVectorBackend one = new CpuVectorBackend(1);
        CpuVectorBackend two = new CpuVectorBackend(2);
        CpuVectorBackend three = new CpuVectorBackend(3);
        int[][] shapes = {{300, 33, 7}, {700, 64, 10}, {129, 257, 4}, {640, 40, 60}};
        for (int[] shape : shapes) {
            SplittableRandom random = new SplittableRandom(shape[0]);
            int[] y = Batches.labels(shape[0], shape[2], random);
            float[] x = Batches.embeddings(shape[0], shape[1], y, 1.0, 0.0, random);
            PreparedBatch batch = Batches.prepare(x, y, shape[1]);
            for (Metric metric : Metric.values()) {
                for (double tau : new double[]{0.01, 1.0}) { // sparse and dense class-statistics backward
                    Result first = run(two, batch, metric, tau);
                    for (CpuVectorBackend backend : new CpuVectorBackend[]{two, one, three, two}) {
                        Result again = run(backend, batch, metric, tau);
                        String what = metric + " tau=" + tau + " " + java.util.Arrays.toString(shape);
                        assertEquals(Double.doubleToRawLongBits(first.sum()),
                                Double.doubleToRawLongBits(again.sum()), what);
                        assertArrayEquals(first.silhouettes(), again.silhouettes(), what);
                        assertArrayEquals(first.gradient(), again.gradient(), what);
                    }
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameBits() throws Exception {
        CpuVectorBackend shared = new CpuVectorBackend(2);
        SplittableRandom random = new SplittableRandom(11);
        int n = 600;
        int d = 40;
        int[] y = Batches.labels(n, 9, random);
        float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
        PreparedBatch batch = Batches.prepare(x, y, d);
        Metric[] metrics = Metric.values();
        Result[] expected = new Result[metrics.length];
        for (int m = 0; m < metrics.length; m++) {
            expected[m] = run(shared, batch, metrics[m], 0.1);
        }
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            java.util.List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
            for (int caller = 0; caller < 3; caller++) {
                futures.add(callers.submit(() -> {
                    for (int rep = 0; rep < 5; rep++) {
                        for (int m = 0; m < metrics.length; m++) {
                            Result again = run(shared, batch, metrics[m], 0.1);
                            assertEquals(Double.doubleToRawLongBits(expected[m].sum()),
                                    Double.doubleToRawLongBits(again.sum()), metrics[m].toString());
                            assertArrayEquals(expected[m].gradient(), again.gradient(), metrics[m].toString());
                        }
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
