package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StrategyBackendTest {
    private final List<String> log = new ArrayList<>();

    private StrategyBackend<AutoCloseable> backend(boolean workspaceCloseFails) {
        return new StrategyBackend<>("gpu", () -> {
            log.add("workspace");
            return () -> {
                log.add("close workspace");
                if (workspaceCloseFails) {
                    throw new IllegalStateException("sticky");
                }
            };
        }, (w, batch, metric, tau, weight, rowWeights, s, g) -> {
            log.add("run " + metric);
            return 1.5;
        }, (w, batch, metric, tau, weight, s, g) -> {
            log.add("run resident " + metric + " stream " + batch.stream());
            return 2.5;
        }, () -> {
            throw new AssertionError("no block call here");
        }, () -> log.add("release device"));
    }

    private static PreparedBatch batch(Arena arena, int classes) {
        int[] order = {0, 1, 2, 3};
        int[] labels = classes == 1 ? new int[4] : new int[] {0, 0, 1, 1};
        int[] offsets = classes == 1 ? new int[] {0, 4} : new int[] {0, 2, 4};
        return new PreparedBatch(arena.allocate(JAVA_FLOAT, 8), 4, 2, classes, labels, order, order, offsets);
    }

    @Test
    void oneClassNeedsNoWorkspaceOtherBatchesRunTheStrategyOnTheThreadsWorkspace() {
        try (Arena arena = Arena.ofConfined()) {
            StrategyBackend<AutoCloseable> b = backend(false);
            MemorySegment s = arena.allocate(JAVA_FLOAT, 4);
            s.fill((byte) 0x7f);
            assertEquals(0.0, b.silhouettesAndGradient(batch(arena, 1), Metric.COSINE, 0.1, 1.0, null, s, null));
            assertEquals(0f, s.getAtIndex(JAVA_FLOAT, 3));
            assertEquals(List.of(), log, "no workspace, no device work");
            assertEquals(1.5, b.silhouettes(batch(arena, 2), Metric.EUCLIDEAN, 0.1, null));
            assertEquals(1.5, b.silhouettes(batch(arena, 2), Metric.COSINE, 0.1, null));
            assertEquals(List.of("workspace", "run EUCLIDEAN", "run COSINE"), log);
            b.close();
            b.close();
            assertEquals(List.of("workspace", "run EUCLIDEAN", "run COSINE", "close workspace", "release device",
                    "release device"), log, "the workspaces once, then the device (its release is idempotent)");
            assertThrows(IllegalStateException.class,
                    () -> b.silhouettes(batch(arena, 1), Metric.EUCLIDEAN, 0.0, null), "closed, even for one class");
        }
    }

    @Test
    void theDeviceIsReleasedEvenWhenAWorkspaceFailsToClose() {
        try (Arena arena = Arena.ofConfined()) {
            StrategyBackend<AutoCloseable> b = backend(true);
            b.silhouettes(batch(arena, 2), Metric.SQUARED_EUCLIDEAN, 0.0, null);
            IllegalStateException e = assertThrows(IllegalStateException.class, b::close);
            assertEquals("sticky", e.getMessage());
            assertEquals(List.of("workspace", "run SQUARED_EUCLIDEAN", "close workspace", "release device"), log);
        }
    }

    @Test
    void aResidentBatchRunsTheResidentStrategyEvenWithOneClassOnlyTheDeviceCanCheckItsValues() {
        StrategyBackend<AutoCloseable> b = backend(false);
        int[] order = {0, 1, 2, 3};
        dev.softsilhouette.spi.DeviceBatch oneClass = new dev.softsilhouette.spi.DeviceBatch(0x1000, 0x77, 4, 2, 1,
                new int[4], order, order, new int[] {0, 4});
        assertEquals(2.5, b.silhouettesAndGradientOnDevice(oneClass, Metric.COSINE, 0.1, 0.25, null, 0x2000));
        assertEquals(List.of("workspace", "run resident COSINE stream 119"), log);
        b.close();
        assertThrows(IllegalStateException.class,
                () -> b.silhouettesAndGradientOnDevice(oneClass, Metric.COSINE, 0.1, 0.25, null, 0x2000), "closed");
    }
}
