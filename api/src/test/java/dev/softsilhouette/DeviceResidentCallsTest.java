package dev.softsilhouette;

import dev.softsilhouette.fakes.DeviceResidentFakeProvider;
import dev.softsilhouette.fakes.DeviceResidentFakeProvider.Recorded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU-resident calls above the SPI: what the API checks without reading GPU memory (before the backend is
 * reached: a rejected call never gets to it), the labels prepared as for host buffers, and the reduction applied to
 * what the backend returns. The backend is a recording double ({@link DeviceResidentFakeProvider}); the engine's
 * side is tested in cuda-kernels.
 */
class DeviceResidentCallsTest {
    private static final long X = 0x7000_0000_1000L;
    private static final long G = 0x7000_0000_9000L;
    private static final int N = 6;
    private static final int D = 2;
    private static final int[] LABELS = {5, 5, 9, 9, 5, 9};

    private static SoftSilhouetteLoss loss(Reduction reduction) {
        return SoftSilhouetteLoss.builder().backend(DeviceResidentFakeProvider.NAME).metric(Metric.COSINE)
                .temperature(0.3).reduction(reduction).build();
    }

    @Test
    void aValidCallReachesTheBackendWithPreparedLabelsTheStreamAndTheRowWeight() {
        try (SoftSilhouetteLoss loss = loss(Reduction.MEAN)) {
            float[] silhouettes = new float[N];
            double value = loss.forwardBackward(DeviceFloats.of(X, N * D), Ints.of(LABELS), N, D, 2.0,
                    DeviceFloats.of(G, N * D), Floats.of(silhouettes), CudaStream.of(0x77));
            assertEquals(1 - 0.25, value, 1e-15, "MEAN: 1 - (sum s_i)/N");
            Recorded r = DeviceResidentFakeProvider.last;
            assertEquals(X, r.embeddings());
            assertEquals(0x77, r.stream());
            assertEquals(G, r.gradientOut());
            assertEquals(2.0 / N, r.weight(), 1e-15, "upstream times MEAN's 1/N");
            assertEquals(Metric.COSINE, r.metric());
            assertEquals(0.3, r.tau());
            assertEquals(2, r.classCount());
            assertArrayEquals(new int[] {0, 0, 1, 1, 0, 1}, r.labels(), "compact classes, as for host buffers");
            assertArrayEquals(new int[] {0, 1, 4, 2, 3, 5}, r.sortedRows());
            assertArrayEquals(new int[] {0, 3, 6}, r.classOffsets());
            assertTrue(r.silhouettesOut());
            assertEquals(0.25f, silhouettes[5]);
        }
        try (SoftSilhouetteLoss loss = loss(Reduction.SUM)) {
            assertEquals(N - 0.25 * N, loss.forward(DeviceFloats.of(X, N * D), Ints.of(LABELS), N, D,
                    CudaStream.DEFAULT), 1e-12, "SUM: N - sum s_i");
            Recorded r = DeviceResidentFakeProvider.last;
            assertEquals(0L, r.gradientOut(), "the forward asks for no gradient");
            assertEquals(0L, r.stream(), "the default stream is handle 0");
            assertFalse(r.silhouettesOut());
        }
    }

    @Test
    void everyCheckThatNeedsNoDeviceReadRejectsBeforeTheBackendIsReached() {
        float[] shortOut = new float[3];
        Map<String, Executable> calls = new LinkedHashMap<>();
        SoftSilhouetteLoss loss = loss(Reduction.MEAN);
        Ints labels = Ints.of(LABELS);
        DeviceFloats x = DeviceFloats.of(X, N * D);
        DeviceFloats g = DeviceFloats.of(G, N * D);
        CudaStream s = CudaStream.DEFAULT;
        calls.put("n: the number of rows must be >= 1, got 0",
                () -> loss.forwardBackward(x, labels, 0, D, g, s));
        calls.put("d: the number of columns must be >= 1, got -1",
                () -> loss.forwardBackward(x, labels, N, -1, g, s));
        calls.put("embeddings: must not be null", () -> loss.forwardBackward(null, labels, N, D, g, s));
        calls.put("embeddings: the device address is 0 (a null pointer)",
                () -> loss.forwardBackward(DeviceFloats.of(0L, N * D), labels, N, D, g, s));
        calls.put("embeddings: the device address 0x70000000100a is not aligned to 4 bytes (a float)",
                () -> loss.forwardBackward(DeviceFloats.of(X + 10, N * D), labels, N, D, g, s));
        calls.put("embeddings: buffer holds 11 values, needs n*d (n=6, d=2) = 12",
                () -> loss.forwardBackward(DeviceFloats.of(X, N * D - 1), labels, N, D, g, s));
        calls.put("gradient: must not be null", () -> loss.forwardBackward(x, labels, N, D, null, s));
        calls.put("gradient: the device address is 0 (a null pointer)",
                () -> loss.forwardBackward(x, labels, N, D, DeviceFloats.of(0L, N * D), s));
        calls.put("gradient: buffer holds 2 values, needs n*d (n=6, d=2) = 12",
                () -> loss.forwardBackward(x, labels, N, D, DeviceFloats.of(G, 2), s));
        calls.put("gradient: the output overlaps embeddings",
                () -> loss.forwardBackward(x, labels, N, D, DeviceFloats.of(X + 4L * (N * D - 1), N * D), s));
        calls.put("gradient: the output overlaps embeddings ",
                () -> loss.forwardBackward(x, labels, N, D, DeviceFloats.of(X - 4L * (N * D - 1), N * D), s));
        calls.put("labels: buffer holds 5 values, needs n = 6",
                () -> loss.forwardBackward(x, Ints.of(new int[5]), N, D, g, s));
        calls.put("labels: index 2 is -1; labels must be >= 0",
                () -> loss.forwardBackward(x, Ints.of(new int[] {1, 1, -1, 0, 0, 0}), N, D, g, s));
        calls.put("stream: must not be null", () -> loss.forwardBackward(x, labels, N, D, g, null));
        calls.put("silhouettes: buffer holds 3 values, needs n = 6",
                () -> loss.forwardBackward(x, labels, N, D, 1.0, g, Floats.of(shortOut), s));
        calls.put("upstream: the upstream gradient must be finite, got NaN",
                () -> loss.forwardBackward(x, labels, N, D, Double.NaN, g, null, s));
        int before = DeviceResidentFakeProvider.CALLS.get();
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call.getValue(), call.getKey());
            assertEquals(call.getKey().strip(), e.getMessage());
        }
        assertEquals(before, DeviceResidentFakeProvider.CALLS.get(), "no rejected call reached the backend");
        loss.close();
    }

    @Test
    void aBackendThatCannotReadGpuMemoryAndReductionNoneAreRefusedByName() {
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loss.forward(
                    DeviceFloats.of(X, N * D), Ints.of(LABELS), N, D, CudaStream.DEFAULT));
            assertEquals("forward(DeviceFloats ...) needs a GPU backend (cuda, ffm-cublas) that reads embeddings in "
                    + "GPU memory; this SoftSilhouetteLoss runs on backend 'reference': build it with "
                    + ".backend(\"cuda\") or .backend(\"ffm-cublas\")", e.getMessage());
        }
        try (SoftSilhouetteLoss loss = loss(Reduction.NONE)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> loss.forwardBackward(
                    DeviceFloats.of(X, N * D), Ints.of(LABELS), N, D, DeviceFloats.of(G, N * D),
                    CudaStream.DEFAULT));
            assertTrue(e.getMessage().startsWith("forwardBackward(DeviceFloats ...) needs reduction MEAN or SUM"),
                    e.getMessage());
        }
    }
}
