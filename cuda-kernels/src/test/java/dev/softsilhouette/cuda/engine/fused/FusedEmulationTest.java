package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.Batches;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Backends;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole fused-tile call (what the {@code cuda} backend runs), with the kernels run by {@link KernelEmulator} (Java ports in the kernels' float32 /
 * float64 precision and order), against the float64 reference, within the SPEC section 8 bounds: silhouettes and
 * loss to 1e-4, gradients to 1e-3 relative (Frobenius). Awkward shapes: N not a multiple of the 64-row tile, odd
 * D, K up to N/2, singletons, several tiles, row weights, data far from the origin, tiny and huge magnitudes.
 * This checks the algorithms, the memory layout and each kernel's indexing; it cannot check what only a GPU shows.
 */
class FusedEmulationTest {

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        int[][] shapes = {{7, 3, 2}, {65, 5, 4}, {130, 17, 9}, {150, 8, 75}, {200, 33, 3}};
        for (Metric metric : Metric.values()) {
            for (int[] s : shapes) {
                cases.add(Arguments.of(metric, s[0], s[1], s[2], 0.1, 1.0, 0.0, false));
            }
            cases.add(Arguments.of(metric, 129, 6, 5, 0.0, 1.0, 0.0, false));
            cases.add(Arguments.of(metric, 129, 6, 5, 2.0, 1.0, 0.0, true));
            cases.add(Arguments.of(metric, 100, 9, 4, 0.1, 1.0, 1e4, false)); // far from the origin
            cases.add(Arguments.of(metric, 140, 12, 5, 0.1, 1.0, 30.0, false)); // the kit's FAR_FROM_ORIGIN (+30)
            cases.add(Arguments.of(metric, 100, 9, 4, 0.1, 1e-20, 3e-20, true));
            cases.add(Arguments.of(metric, 100, 9, 4, 0.1, 1e18, 0.0, false));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n={1} d={2} k={3} tau={4} spread={5} centre={6} rowWeights={7}")
    @MethodSource("cases")
    void matchesTheReference(Metric metric, int n, int d, int k, double tau, double spread, double centre,
                             boolean rowWeights) {
        compare(metric, n, d, k, tau, spread, centre, rowWeights, false);
    }

    /** A zero row (cosine's norm floor) and exact duplicate rows (zero distances), every metric. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Metric.class)
    void zeroAndDuplicateRows(Metric metric) {
        compare(metric, 90, 6, 4, 0.1, 1.0, 0.5, false, true);
    }

    /**
     * Tight classes (rows within 0.02 of their class centre, centres about 1 apart): most within-class pairs are
     * "near" (the expanded distance loses more than 8 bits), so the EUCLIDEAN tiles recompute them directly, one warp
     * per pair; several tiles and column splits.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Metric.class)
    void tightClustersWithNearPairs(Metric metric) {
        KernelEmulator emulator = compare(metric, 200, 40, 4, 0.1, 1.0, 3.0, false, false, 0.02);
        if (metric == Metric.EUCLIDEAN) {
            assertTrue(emulator.nearPairs() > 1000, "near pairs recomputed: " + emulator.nearPairs());
        }
    }

    private static void compare(Metric metric, int n, int d, int k, double tau, double spread, double centre,
                                boolean rowWeights, boolean zeroAndDuplicates) {
        compare(metric, n, d, k, tau, spread, centre, rowWeights, zeroAndDuplicates, 0.0);
    }

    /** @param tightness when positive, every row is moved to its class centre plus this much of its own offset */
    private static KernelEmulator compare(Metric metric, int n, int d, int k, double tau, double spread,
                                          double centre, boolean rowWeights, boolean zeroAndDuplicates,
                                          double tightness) {
        try (Arena arena = Arena.ofConfined()) {
            int[] labels = Batches.labels(n, k, n * 7L + d);
            if (k > 2) {
                labels[0] = k; // a singleton class
                labels = Batches.compact(labels);
            }
            PreparedBatch batch = Batches.of(arena, labels, d, n * 13L + k, centre, spread);
            if (tightness > 0) {
                MemorySegment x = batch.embeddings();
                for (int i = 0; i < n; i++) {
                    int representative = 0;
                    while (labels[representative] != labels[i]) {
                        representative++;
                    }
                    for (int t = 0; t < d; t++) {
                        float own = x.getAtIndex(ValueLayout.JAVA_FLOAT, (long) i * d + t);
                        float anchor = representative == i ? own
                                : x.getAtIndex(ValueLayout.JAVA_FLOAT, (long) representative * d + t);
                        x.setAtIndex(ValueLayout.JAVA_FLOAT, (long) i * d + t,
                                (float) (anchor + tightness * (own - centre)));
                    }
                }
            }
            if (zeroAndDuplicates) {
                MemorySegment x = batch.embeddings();
                for (int t = 0; t < d; t++) {
                    x.setAtIndex(ValueLayout.JAVA_FLOAT, d + t, 0.0f); // row 1 is zero
                    x.setAtIndex(ValueLayout.JAVA_FLOAT, 3L * d + t, x.getAtIndex(ValueLayout.JAVA_FLOAT, 2L * d + t));
                    x.setAtIndex(ValueLayout.JAVA_FLOAT, 70L * d + t, x.getAtIndex(ValueLayout.JAVA_FLOAT, 2L * d + t));
                }
            }
            MemorySegment weights = null;
            if (rowWeights) {
                weights = arena.allocate((long) n * Float.BYTES);
                for (int i = 0; i < n; i++) {
                    weights.setAtIndex(ValueLayout.JAVA_FLOAT, i, 0.5f + (i % 3));
                }
            }
            double weight = 1.0 / n;
            MemorySegment sGpu = arena.allocate((long) n * Float.BYTES);
            MemorySegment gGpu = arena.allocate((long) n * d * Float.BYTES);
            MemorySegment sRef = arena.allocate((long) n * Float.BYTES);
            MemorySegment gRef = arena.allocate((long) n * d * Float.BYTES);
            KernelEmulator emulator = new KernelEmulator();
            double sumGpu = FusedTiles.run(emulator.workspace(), batch, metric, tau, weight, weights, sGpu, gGpu);
            double sumRef = Backends.backend("reference").silhouettesAndGradient(batch, metric, tau, weight, weights, sRef,
                    gRef);
            emulator.workspace().close();

            double lossGpu = 1 - sumGpu / n;
            double lossRef = 1 - sumRef / n;
            assertTrue(Math.abs(lossGpu - lossRef) <= 1e-4 * Math.max(1, Math.abs(lossRef)),
                    "loss " + lossGpu + " vs " + lossRef);
            for (int i = 0; i < n; i++) {
                float a = sGpu.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                float b = sRef.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                assertEquals(b, a, 1e-4, "s_" + i);
            }
            double diff = 0;
            double norm = 0;
            for (long e = 0; e < (long) n * d; e++) {
                float a = gGpu.getAtIndex(ValueLayout.JAVA_FLOAT, e);
                float b = gRef.getAtIndex(ValueLayout.JAVA_FLOAT, e);
                assertTrue(Float.isFinite(a), "gradient entry " + e + " = " + a);
                diff += ((double) a - b) * ((double) a - b);
                norm += (double) b * b;
            }
            diff = Math.sqrt(diff);
            norm = Math.sqrt(norm);
            if (tau > 0) { // tau = 0 is only comparable where the argmin has a margin (SPEC 8)
                assertTrue(diff <= 1e-3 * norm + 1e-7, "gradient error " + diff + " vs norm " + norm);
            }
            return emulator;
        }
    }
}
