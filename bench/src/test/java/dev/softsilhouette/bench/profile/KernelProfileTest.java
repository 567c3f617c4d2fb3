package dev.softsilhouette.bench.profile;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelProfileTest {
    private static final String K = "dev.softsilhouette.cpu.ClassStatisticsKernel.";
    private static final String OPS = "dev.softsilhouette.cpu.simd.VectorSimdOps.";
    private static final String POOL = "dev.softsilhouette.cpu.parallel.WorkerPool.";

    @Test
    void samplesGoToTheKernelMethodAndTheOperationItCalled() {
        List<List<String>> stacks = List.of(
                // a worker in the row phase: the helper below the operation counts for the operation
                List.of(OPS + "storedLaneSum", OPS + "rowSilhouette", K + "rowTerms", K + "rows", K + "runPhase",
                        "dev.softsilhouette.cpu.PhasedKernel.run", POOL + "loop", "java.lang.Thread.run"),
                // the same, with Vector API frames the JIT inlined below the operation
                List.of("jdk.incubator.vector.DoubleVector.fma", OPS + "rowSilhouette", K + "rowTerms", K + "rows",
                        K + "runPhase", POOL + "loop"),
                // a kernel method's own code
                List.of(K + "rowTerms", K + "rows", K + "runPhase", POOL + "loop"),
                // the caller waiting at a phase's end, under compute: the pool, not the dispatch
                List.of(POOL + "run", "dev.softsilhouette.cpu.PhasedKernel.runPhase", K + "compute",
                        "dev.softsilhouette.SoftSilhouetteLoss.forwardBackward"),
                // a worker waiting for work, and the api layer: outside the kernels
                List.of(POOL + "loop", "java.lang.Thread.run"),
                List.of("java.lang.foreign.MemorySegment.get", "dev.softsilhouette.Arguments.largestMagnitudeBits",
                        "dev.softsilhouette.SoftSilhouetteLoss.forwardBackward"),
                List.of("java.lang.Thread.sleep"));
        List<KernelProfile.Share> shares = KernelProfile.group(stacks);
        assertEquals(List.of(
                share("ClassStatisticsKernel.rowTerms", "VectorSimdOps.rowSilhouette", 2),
                share("ClassStatisticsKernel.rowTerms", "(in the method itself)", 1),
                share("outside the kernels", "(JDK) Thread.sleep", 1),
                share("outside the kernels", "Arguments.largestMagnitudeBits", 1),
                share("outside the kernels", "WorkerPool.loop", 1),
                share("ClassStatisticsKernel.compute", "WorkerPool.run", 1)), shares);
        String table = KernelProfile.table(shares, stacks.size(), 20.0);
        assertTrue(table.contains("| ClassStatisticsKernel.rowTerms | VectorSimdOps.rowSilhouette | 2 | 28.6% |"),
                table);
        assertTrue(table.contains("| (rows under 20.0%) | | 5 | 71.4% |"), table);
    }

    private static KernelProfile.Share share(String kernel, String operation, int samples) {
        return new KernelProfile.Share(kernel, operation, samples, 100.0 * samples / 7);
    }
}
