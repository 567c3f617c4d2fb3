package dev.softsilhouette.cuda;

import dev.softsilhouette.Backends;
import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

class DebugTmpTest {
    @Test
    void debug() {
        try (Arena arena = Arena.ofConfined()) {
            int n = 10, d = 3;
            int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
            PreparedBatch batch = Batches.of(arena, labels, d, 5, 0, 1);
            for (double tau : new double[] {0, 0.1}) {
                MemorySegment s1 = arena.allocate(n * 4L), s2 = arena.allocate(n * 4L);
                KernelEmulator e = new KernelEmulator();
                CudaBackend.run(e, batch, Metric.EUCLIDEAN, tau, 0, null, s1, null);
                Backends.backend("reference").silhouettes(batch, Metric.EUCLIDEAN, tau, s2);
                for (int i = 0; i < n; i++) {
                    System.out.println("tau " + tau + " row " + i + " " + s1.getAtIndex(ValueLayout.JAVA_FLOAT, i) + " " + s2.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                }
            }
        }
    }
}
