package dev.softsilhouette.cuda;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A batch with one class (SPEC 3): every s_i is 0 and the gradient is 0, answered without device work. The backend
 * runs on a stand-in device with no context: any CUDA call (a workspace, a stream, makeCurrent) would fail here.
 */
class OneClassBatchTest {

    @ParameterizedTest
    @EnumSource(Metric.class)
    void everySilhouetteAndTheGradientAreZeroWithoutTouchingTheDevice(Metric metric) {
        DeviceLeases<CudaDevice> leases = new DeviceLeases<>(
                () -> new CudaDevice(0, 0, "stand-in", 9, 0, 132, 1L << 30, 13000, null), device -> { });
        int n = 9;
        int d = 4;
        try (Arena arena = Arena.ofConfined(); dev.softsilhouette.spi.SilhouetteBackend backend = CudaBackend.on(leases.acquire(),
                     StrategyChoice.of("auto", 1L << 30, null), GramChunkPlan.DEFAULT_BUDGET_BYTES,
                     device -> { throw new AssertionError("no stream port for one class"); },
                     device -> { throw new AssertionError("no SGEMM port for one class"); })) {
            MemorySegment x = arena.allocate(JAVA_FLOAT, (long) n * d);
            for (int e = 0; e < n * d; e++) {
                x.setAtIndex(JAVA_FLOAT, e, 30f + e % 7); // far from the origin, distinct rows
            }
            int[] order = new int[n];
            java.util.Arrays.setAll(order, i -> i);
            PreparedBatch batch = new PreparedBatch(x, n, d, 1, new int[n], order, order, new int[] {0, n});
            MemorySegment s = arena.allocate(JAVA_FLOAT, n);
            MemorySegment g = arena.allocate(JAVA_FLOAT, (long) n * d);
            s.fill((byte) 0x7f);
            g.fill((byte) 0x7f);
            MemorySegment weights = arena.allocate(JAVA_FLOAT, n);
            weights.fill((byte) 0x3f);
            assertEquals(0.0, backend.silhouettesAndGradient(batch, metric, 0.5, 1.0 / n, weights, s, g));
            for (int i = 0; i < n; i++) {
                assertEquals(0f, s.getAtIndex(JAVA_FLOAT, i), "s_" + i);
            }
            for (int e = 0; e < n * d; e++) {
                assertEquals(0f, g.getAtIndex(JAVA_FLOAT, e), "gradient element " + e);
            }
            s.fill((byte) 0x7f);
            assertEquals(0.0, backend.silhouettes(batch, metric, 0.0, s), "the forward alone");
            assertEquals(0f, s.getAtIndex(JAVA_FLOAT, n - 1));
        }
        assertEquals(0, leases.holders(), "close gave the device back");
    }
}
