package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;

/**
 * The probe's real work: a 4-row batch whose silhouettes are known exactly, through the vector kernels. It fails
 * (with the Vector API's own exception) where the module is present but unusable.
 */
final class SelfTest {
    private SelfTest() {
    }

    static String run(SilhouetteBackend backend) {
        // Two classes on a line: {0, 1} and {10, 11}. a = 1, b = 10 (rows 0 and 3) or 9 ... s = 1 - a/b.
        float[] x = {0f, 1f, 10f, 11f};
        int[] labels = {0, 0, 1, 1};
        PreparedBatch batch = new PreparedBatch(MemorySegment.ofArray(x), 4, 1, 2, labels, new int[]{0, 1, 2, 3},
                new int[]{0, 1, 2, 3}, new int[]{0, 2, 4});
        double sum = backend.silhouettes(batch, Metric.EUCLIDEAN, 0.0, null);
        // b: row 0 -> mean(10, 11) = 10.5, row 1 -> 9.5, row 2 -> 9.5, row 3 -> 10.5; a = 1 for all.
        double expected = 2 * (1 - 1 / 10.5) + 2 * (1 - 1 / 9.5);
        if (Math.abs(sum - expected) > 1e-5) {
            throw new IllegalStateException("self-test silhouette sum " + sum + ", expected " + expected);
        }
        return backend instanceof CpuVectorBackend c ? c.describe() : backend.name();
    }
}
