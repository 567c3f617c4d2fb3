package dev.softsilhouette.cuda.engine.strategies;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wiring of the engine's backend without a device: which port (and so which strategy's workspace) a call
 * reaches, that each is made on first use, and that closing closes what was made. The ports are recording proxies
 * whose first allocation fails with their name, which is as far as a strategy gets without a device (the
 * strategies themselves are replayed by their emulators and mirrors; the ffm fake driver runs both end to end).
 */
class EngineBackendTest {
    private static final long MEMORY = 80L << 30;
    private final List<String> log = new ArrayList<>();

    /** A port named {@code kind + number}: records every call, fails its first allocation with its name. */
    private <P extends DevicePort> Supplier<P> ports(String kind, Class<P> type) {
        return () -> {
            String name = kind + "#" + log.stream().filter(e -> e.startsWith("new " + kind)).count();
            log.add("new " + name);
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, args) -> {
                switch (m.getName()) {
                    case "allocate", "allocatePinned" -> throw new IllegalStateException("no device: " + name);
                    case "makeCurrent", "synchronize", "close" -> log.add(name + " " + m.getName());
                    default -> throw new AssertionError(name + " " + m.getName() + " was not expected");
                }
                return null;
            }));
        };
    }

    private SilhouetteBackend backend(StrategyChoice choice, boolean sgemm) {
        return EngineBackend.create("gpu", choice, GramChunkPlan.DEFAULT_BUDGET_BYTES,
                ports("stream", DevicePort.class),
                sgemm ? ports("sgemm", SgemmPort.class) : null, () -> log.add("release"));
    }

    /** N rows of K classes (row i in class i % K), D dimensions, zeros: only the shape matters here. */
    private static PreparedBatch batch(Arena arena, int n, int d, int k) {
        int[] labels = new int[n];
        int[] sorted = new int[n];
        int[] positions = new int[n];
        int[] offsets = new int[k + 1];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            offsets[i % k + 1]++;
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        int[] cursor = offsets.clone();
        for (int i = 0; i < n; i++) {
            int p = cursor[labels[i]]++;
            sorted[p] = i;
            positions[i] = p;
        }
        return new PreparedBatch(arena.allocate(JAVA_FLOAT, (long) n * d), n, d, k, labels, sorted, positions,
                offsets);
    }

    /** The message a forward+backward call of {@code batch} fails with. */
    private static String failure(SilhouetteBackend backend, PreparedBatch batch, Metric metric) {
        try (Arena arena = Arena.ofConfined()) {
            var gradient = arena.allocate(JAVA_FLOAT, (long) batch.rows() * batch.dims());
            return assertThrows(IllegalStateException.class, () -> backend.silhouettesAndGradient(batch, metric, 0.1,
                    1.0, null, null, gradient)).getMessage();
        }
    }

    @Test
    void eachCallReachesTheStrategyItsShapeChoosesOnThatStrategysOwnPort() {
        try (Arena arena = Arena.ofConfined()) {
            SilhouetteBackend backend = backend(StrategyChoice.of("auto", MEMORY, null), true);
            PreparedBatch small = batch(arena, 300, 16, 5);
            assertEquals("no device: stream#0", failure(backend, small, Metric.EUCLIDEAN), "fused tiles");
            assertFalse(log.stream().anyMatch(e -> e.startsWith("new sgemm")), "no SGEMM port until one is chosen");
            assertEquals("no device: stream#0", failure(backend, small, Metric.COSINE), "the same workspace");
            // N K D = 2^23: class statistics by SGEMM; N^2 D = 2^31 at D = 128: Gram blocks by SGEMM
            assertEquals("no device: sgemm#0", failure(backend, batch(arena, 2048, 64, 64), Metric.SQUARED_EUCLIDEAN));
            PreparedBatch wide = batch(arena, 4096, 128, 8);
            assertEquals("no device: sgemm#0", failure(backend, wide, Metric.EUCLIDEAN));
            assertEquals("no device: stream#0", assertThrows(IllegalStateException.class,
                    () -> backend.silhouettes(wide, Metric.EUCLIDEAN, 0.0, null)).getMessage(),
                    "the same shape without the gradient: fused tiles");
            assertEquals(List.of("new stream#0", "stream#0 makeCurrent", "stream#0 synchronize",
                    "stream#0 makeCurrent", "stream#0 synchronize", "new sgemm#0", "sgemm#0 makeCurrent",
                    "sgemm#0 synchronize", "sgemm#0 makeCurrent", "sgemm#0 synchronize", "stream#0 makeCurrent",
                    "stream#0 synchronize"), log,
                    "one port per strategy, each failure drained on its stream");
            log.clear();
            backend.close();
            assertEquals(List.of("stream#0 makeCurrent", "stream#0 synchronize", "stream#0 close",
                    "sgemm#0 makeCurrent", "sgemm#0 synchronize", "sgemm#0 close", "release"), log,
                    "both workspaces closed (each waits for its stream, closes its port), then the device released");
        }
    }

    @Test
    void aGpuResidentCallReachesTheStrategyItsShapeChoosesLikeAHostCall() {
        try (Arena arena = Arena.ofConfined()) {
            var backend = (dev.softsilhouette.spi.DeviceResidentBackend) backend(
                    StrategyChoice.of("auto", MEMORY, null), true);
            for (int[] shape : new int[][] {{300, 16, 5}, {4096, 128, 8}}) {
                PreparedBatch b = batch(arena, shape[0], shape[1], shape[2]);
                var onDevice = new dev.softsilhouette.spi.DeviceBatch(0x1000, 0x77, b.rows(), b.dims(),
                        b.classCount(), b.labels(), b.sortedRows(), b.sortedPositions(), b.classOffsets());
                for (boolean gradient : new boolean[] {false, true}) {
                    String resident = assertThrows(IllegalStateException.class, () -> backend
                            .silhouettesAndGradientOnDevice(onDevice, Metric.EUCLIDEAN, 0.1, 1.0, null,
                                    gradient ? 0x2000 : 0L)).getMessage();
                    String host = assertThrows(IllegalStateException.class, () -> backend.silhouettesAndGradient(
                            b, Metric.EUCLIDEAN, 0.1, 1.0, null, null, gradient
                                    ? arena.allocate(JAVA_FLOAT, (long) b.rows() * b.dims()) : null)).getMessage();
                    assertEquals(host, resident, "the host call's strategy and port, gradient " + gradient);
                }
            }
            assertEquals("no device: sgemm#0", failure(backend, batch(arena, 4096, 128, 8), Metric.EUCLIDEAN));
            backend.close();
        }
    }

    @Test
    void aForcedStrategyRunsEveryShapeAndABindingWithoutSgemmRunsFused() {
        try (Arena arena = Arena.ofConfined()) {
            PreparedBatch large = batch(arena, 4096, 128, 8);
            PreparedBatch tiny = batch(arena, 7, 3, 2);
            try (SilhouetteBackend fused = backend(StrategyChoice.of("fused", MEMORY, null), true)) {
                assertEquals("no device: stream#0", failure(fused, large, Metric.EUCLIDEAN));
            }
            try (SilhouetteBackend sgemm = backend(StrategyChoice.of("sgemm", MEMORY, null), true)) {
                assertEquals("no device: sgemm#0", failure(sgemm, tiny, Metric.COSINE));
            }
            try (SilhouetteBackend noSgemm = backend(StrategyChoice.of("auto", MEMORY, "no cuBLAS"), false)) {
                assertEquals("no device: stream#1", failure(noSgemm, large, Metric.EUCLIDEAN));
                assertEquals("no device: stream#1", failure(noSgemm, large, Metric.SQUARED_EUCLIDEAN));
            }
            assertFalse(log.contains("new sgemm#1"), log.toString());
        }
    }

    @Test
    void theSelfCheckRunsEachStrategyTheChoiceCanPickOnABackendOfItsOwnAndNamesTheOneThatFails() {
        List<String> opened = new ArrayList<>();
        StrategyChoice auto = StrategyChoice.of("auto", MEMORY, null);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EngineBackend.selfCheck(auto,
                forced -> {
                    opened.add(forced.describe());
                    return backend(forced, true);
                }));
        assertTrue(e.getMessage().startsWith("strategy fused: no device: stream#0"), e.getMessage());
        assertEquals(List.of("fused tiles for every call (silhouette.cuda.strategy)"), opened);
        assertTrue(log.contains("release"), "the checked backend was closed");

        opened.clear();
        e = assertThrows(IllegalStateException.class, () -> EngineBackend.selfCheck(auto, forced -> {
            opened.add(forced.describe());
            return forced.strategies().contains(StrategyChoice.Strategy.FUSED)
                    ? new PassingBackend() : backend(forced, true);
        }));
        assertTrue(e.getMessage().startsWith("strategy sgemm: no device: sgemm#0"), e.getMessage());
        assertEquals(2, opened.size(), "fused passed, then sgemm was checked: " + opened);
    }

    /** Answers as the reference does: what a device that computes right looks like to the self-check. */
    private static final class PassingBackend implements SilhouetteBackend {
        private final SilhouetteBackend reference = java.util.ServiceLoader
                .load(dev.softsilhouette.spi.BackendProvider.class).stream()
                .map(java.util.ServiceLoader.Provider::get).filter(p -> p.name().equals("reference"))
                .findFirst().orElseThrow().create();

        @Override
        public String name() {
            return "passing";
        }

        @Override
        public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                             java.lang.foreign.MemorySegment rowWeights,
                                             java.lang.foreign.MemorySegment silhouettesOut,
                                             java.lang.foreign.MemorySegment gradientOut) {
            return reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, silhouettesOut,
                    gradientOut);
        }

        @Override
        public void close() {
            reference.close();
        }
    }
}
