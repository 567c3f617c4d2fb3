package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend.HybridTerms;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once compiled, a call allocates nothing: workspaces are reused (the soft silhouette under each metric, SupCon, and
 * the hybrid under both of its plans). Until the JIT has compiled the vector code, the
 * interpreter boxes vectors, so the test calls until a call allocates nothing, and fails if that never happens.
 */
class SteadyStateAllocationTest {

    @Test
    void repeatedCallsAllocateNothingOnceCompiled() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        CpuVectorBackend backend = new CpuVectorBackend(1); // every allocation would be on this thread
        SplittableRandom random = new SplittableRandom(3);
        int n = 150;
        int d = 33;
        int[] y = Batches.labels(n, 6, random);
        float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
        PreparedBatch batch = Batches.prepare(x, y, d);
        MemorySegment gradient = MemorySegment.ofArray(new float[n * d]);
        MemorySegment silhouettes = MemorySegment.ofArray(new float[n]);
        for (Metric metric : Metric.values()) {
            long least = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (least > 0 && System.nanoTime() < deadline) {
                long before = threads.getThreadAllocatedBytes(thread);
                backend.silhouettesAndGradient(batch, metric, 0.1, 1.0 / n, null, silhouettes, gradient);
                backend.silhouettes(batch, metric, 0.0, silhouettes);
                least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
            }
            assertTrue(least == 0, metric + ": every call allocated, at least " + least + " bytes");
        }
        SupConTemperatures temperatures = new SupConTemperatures(0.1, 0.07);
        HybridTerms terms = new HybridTerms(temperatures, 0.5 / n, 0.1, 0.5 / n);
        String[] calls = {"supcon", "hybrid fused", "hybrid split"};
        for (String call : calls) {
            long least = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (least > 0 && System.nanoTime() < deadline) {
                long before = threads.getThreadAllocatedBytes(thread);
                switch (call) {
                    case "supcon" -> backend.supConAndGradient(batch, temperatures, 1.0 / n, null, silhouettes, gradient);
                    case "hybrid fused" -> backend.hybridAndGradient(batch, terms, gradient, true);
                    default -> backend.hybridAndGradient(batch, terms, gradient, false);
                }
                least = Math.min(least, threads.getThreadAllocatedBytes(thread) - before);
            }
            assertTrue(least == 0, call + ": every call allocated, at least " + least + " bytes");
        }
    }
}
