package dev.softsilhouette.ffm;

import dev.softsilhouette.spi.SilhouetteMath;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;

class HostMathTest {

    /** The parallel path (large N K) gives exactly what the shared per-row math gives row by row. */
    @Test
    void parallelRowsAreBitIdenticalToTheSharedMath() {
        int k = 64;
        int n = (int) (HostMath.PARALLEL_THRESHOLD / k) + 300;
        Random random = new Random(11);
        int[] labels = new int[n];
        int[] sorted = new int[n];
        int[] offsets = new int[k + 1];
        for (int i = 0; i < n; i++) {
            labels[i] = i % k;
            offsets[labels[i] + 1]++;
        }
        for (int c = 0; c < k; c++) {
            offsets[c + 1] += offsets[c];
        }
        int[] fill = offsets.clone();
        for (int i = 0; i < n; i++) {
            sorted[fill[labels[i]]++] = i;
        }
        // sums and coef live in the workspace's shared arenas; the caller's weights may be thread-confined
        try (Arena arena = Arena.ofConfined(); Arena shared = Arena.ofShared()) {
            MemorySegment sums = shared.allocate(JAVA_DOUBLE, (long) n * k);
            for (long e = 0; e < (long) n * k; e++) {
                sums.setAtIndex(JAVA_DOUBLE, e, 1 + 50 * random.nextDouble());
            }
            MemorySegment weights = arena.allocate(JAVA_FLOAT, n);
            for (int i = 0; i < n; i++) {
                weights.setAtIndex(JAVA_FLOAT, i, random.nextFloat());
            }
            MemorySegment coef = shared.allocate(JAVA_DOUBLE, (long) n * k);
            double[] s = new double[n];
            double total = HostMath.rowSilhouettes(sums, n, k, labels, sorted, offsets, 0.7, 0.5, weights, coef, s,
                    new double[k], new double[k]);
            double expectedTotal = 0;
            double[] rowSums = new double[k];
            double[] derivative = new double[k];
            for (int p = 0; p < n; p++) {
                MemorySegment.copy(sums, JAVA_DOUBLE, (long) p * k * Double.BYTES, rowSums, 0, k);
                double expected = SilhouetteMath.rowSilhouette(labels[sorted[p]], rowSums, 0, offsets, 0.7,
                        derivative, 0);
                expectedTotal += expected;
                assertEquals(expected, s[p], 0.0, "row " + p);
                double w = 0.5 * weights.getAtIndex(JAVA_FLOAT, sorted[p]);
                for (int c = 0; c < k; c++) {
                    assertEquals(-w * derivative[c], coef.getAtIndex(JAVA_DOUBLE, (long) p * k + c), 0.0);
                }
            }
            assertEquals(expectedTotal, total, 0.0);
        }
    }
}
