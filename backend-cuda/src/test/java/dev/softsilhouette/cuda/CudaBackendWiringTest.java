package dev.softsilhouette.cuda;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the binding wires the engine's two strategies, without a device: {@link CudaBackend#on} hands the engine a
 * stream port for the fused tiles and, where cuBLAS was loaded, an SGEMM port, both made for the leased device; a
 * call of the target shape reaches the SGEMM port, a small one the stream port; without cuBLAS every shape runs on
 * the stream port. The ports are proxies that record what is made and fail the first allocation (as far as a call
 * gets without a GPU).
 */
class CudaBackendWiringTest {
    private static final long MEMORY = 141L << 30;
    private final CudaDevice device = new CudaDevice(0, 0, "stand-in", 9, 0, 132, MEMORY, 13000, null);
    private final DeviceLeases<CudaDevice> leases = new DeviceLeases<>(() -> device, d -> { });
    private final List<String> made = new ArrayList<>();

    private <P extends DevicePort> Function<CudaDevice, P> port(String kind, Class<P> type) {
        return forDevice -> {
            assertSame(device, forDevice, "a port for the leased device");
            made.add(kind);
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
                if (m.getName().startsWith("allocate")) {
                    throw new IllegalStateException(kind + " port reached");
                }
                return null; // makeCurrent, synchronize, close
            }));
        };
    }

    private static PreparedBatch batch(Arena arena, int n, int d, int k) {
        int[] labels = new int[n];
        int[] order = new int[n];
        int[] offsets = new int[k + 1];
        for (int c = 0; c < k; c++) { // rows already in class order: row i of class i * k / n
            offsets[c + 1] = (int) ((long) n * (c + 1) / k);
            Arrays.fill(labels, offsets[c], offsets[c + 1], c);
        }
        Arrays.setAll(order, i -> i);
        return new PreparedBatch(arena.allocate(JAVA_FLOAT, (long) n * d), n, d, k, labels, order, order, offsets);
    }

    /** Which port a forward+backward call of {@code batch} reached. */
    private static String reached(SilhouetteBackend backend, PreparedBatch batch, Metric metric) {
        try (Arena arena = Arena.ofConfined()) {
            var gradient = arena.allocate(JAVA_FLOAT, (long) batch.rows() * batch.dims());
            return assertThrows(IllegalStateException.class, () -> backend.silhouettesAndGradient(batch, metric, 0.0,
                    1.0, null, null, gradient)).getMessage();
        }
    }

    @Test
    void bothStrategiesRunOnThisBindingsPortsChosenByShape() {
        try (Arena arena = Arena.ofConfined()) {
            SilhouetteBackend backend = CudaBackend.on(leases.acquire(), StrategyChoice.of("auto", MEMORY, null),
                    GramChunkPlan.DEFAULT_BUDGET_BYTES, port("stream", DevicePort.class),
                    port("cublas", SgemmPort.class));
            assertEquals("stream port reached", reached(backend, batch(arena, 256, 32, 4), Metric.EUCLIDEAN));
            assertEquals("cublas port reached", reached(backend, batch(arena, 16384, 512, 1000), Metric.EUCLIDEAN),
                    "the target shape");
            assertEquals("cublas port reached", reached(backend, batch(arena, 4096, 64, 64), Metric.COSINE));
            assertEquals(List.of("stream", "cublas"), made, "one port per strategy on this thread");
            assertEquals(1, leases.holders());
            backend.close();
            assertEquals(0, leases.holders(), "closing gives the device back");
        }
    }

    @Test
    void withoutCublasEveryShapeRunsTheFusedTiles() {
        try (Arena arena = Arena.ofConfined();
             SilhouetteBackend backend = CudaBackend.on(leases.acquire(),
                     StrategyChoice.of("auto", MEMORY, "cuBLAS could not be loaded"),
                     GramChunkPlan.DEFAULT_BUDGET_BYTES, port("stream", DevicePort.class), null)) {
            assertEquals("stream port reached", reached(backend, batch(arena, 16384, 512, 1000), Metric.EUCLIDEAN));
            assertEquals("stream port reached", reached(backend, batch(arena, 4096, 64, 64), Metric.COSINE));
            assertEquals(List.of("stream"), made);
        }
    }

    @Test
    void aMissingCublasIsReportedWithWhatToDo() {
        UnsatisfiedLinkError missing = new UnsatisfiedLinkError("no jnicublas in java.library.path");
        missing.initCause(new UnsatisfiedLinkError("libcublas.so.13: cannot open shared object file"));
        String reason = CudaCublasPort.loadFailureReason(missing);
        assertTrue(reason.startsWith("cuBLAS could not be loaded (libcublas.so.13: cannot open shared object file): "
                + "install the CUDA 13 toolkit's cuBLAS"), reason);
    }
}
