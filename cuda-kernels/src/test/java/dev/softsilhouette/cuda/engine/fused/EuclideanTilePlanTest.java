package dev.softsilhouette.cuda.engine.fused;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EUCLIDEAN tiling plan, and a Java replay of the index arithmetic of {@code euclidean_fused.cu} (forward
 * partial writes, segment reduction, backward grid) against direct sums, for awkward N and K.
 */
class EuclideanTilePlanTest {
    private static final int TILE = EuclideanTilePlan.TILE;

    /** Class sizes: N not a multiple of the tile, K = 1, K = N (all singletons), classes spanning many tiles. */
    static Stream<int[]> classSizes() {
        List<int[]> cases = new ArrayList<>();
        cases.add(new int[] {1});
        cases.add(new int[] {1, 1});
        cases.add(new int[] {63});
        cases.add(new int[] {64});
        cases.add(new int[] {65});
        cases.add(new int[] {30, 40, 1, 59}); // 130 rows
        cases.add(ones(200)); // K = N
        cases.add(new int[] {1, 300, 2, 1, 64, 129}); // 497 rows
        Random random = new Random(7);
        for (int c = 0; c < 4; c++) {
            int k = 1 + random.nextInt(40);
            int[] sizes = new int[k];
            for (int i = 0; i < k; i++) {
                sizes[i] = 1 + random.nextInt(random.nextBoolean() ? 3 : 90);
            }
            cases.add(sizes);
        }
        return cases.stream();
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    private static int[] offsets(int[] sizes) {
        int[] offsets = new int[sizes.length + 1];
        for (int k = 0; k < sizes.length; k++) {
            offsets[k + 1] = offsets[k] + sizes[k];
        }
        return offsets;
    }

    private static int[] labels(int[] offsets) {
        int n = offsets[offsets.length - 1];
        int[] labels = new int[n];
        for (int k = 0; k + 1 < offsets.length; k++) {
            for (int p = offsets[k]; p < offsets[k + 1]; p++) {
                labels[p] = k;
            }
        }
        return labels;
    }

    @ParameterizedTest
    @MethodSource("classSizes")
    void forwardPairsCoverEveryUnorderedTilePairOnce(int[] sizes) {
        int[] offsets = offsets(sizes);
        int n = offsets[sizes.length];
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, offsets);
        int tiles = plan.tiles();
        assertEquals(Math.ceilDiv(n, TILE), tiles);
        assertEquals((long) tiles * (tiles + 1) / 2, plan.pairCount());
        int[][] seen = new int[tiles][tiles];
        int[] pairs = plan.pairs();
        for (int p = 0; p < plan.pairCount(); p++) {
            int i = pairs[2 * p];
            int j = pairs[2 * p + 1];
            assertTrue(i <= j && j < tiles, "pair " + i + "," + j);
            seen[i][j]++;
        }
        for (int i = 0; i < tiles; i++) {
            for (int j = i; j < tiles; j++) {
                assertEquals(1, seen[i][j], "pair " + i + "," + j);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("classSizes")
    void segmentsAreTheTileClassIntersections(int[] sizes) {
        int[] offsets = offsets(sizes);
        int n = offsets[sizes.length];
        int[] labels = labels(offsets);
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, offsets);
        int expected = 0;
        for (int t = 0; t < plan.tiles(); t++) {
            int first = labels[t * TILE];
            int last = labels[Math.min(n, (t + 1) * TILE) - 1];
            assertEquals(first, plan.tileFirstClass()[t]);
            assertEquals(expected, plan.tileSegmentStart()[t]);
            expected += last - first + 1;
        }
        assertEquals(expected, plan.segments());
        assertTrue(plan.segments() <= sizes.length + plan.tiles() - 1);
        assertEquals((long) n * plan.segments() * Float.BYTES, plan.partialBytes());
    }

    /**
     * Replays euclidean_forward_tiles (row and column roles, writing partials[p][segment]) and
     * euclidean_segment_sums with the plan's tables and a known "distance" |p - j| + 1 (0 for p = j): every class
     * sum of every row must come out exactly as the direct sum, and every partial slot must be written exactly
     * once.
     */
    @ParameterizedTest
    @MethodSource("classSizes")
    void forwardIndexArithmeticGivesTheDirectClassSums(int[] sizes) {
        int[] offsets = offsets(sizes);
        int n = offsets[sizes.length];
        int k = sizes.length;
        int[] labels = labels(offsets);
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, offsets);
        int segments = plan.segments();
        double[] partials = new double[n * segments];
        int[] writes = new int[n * segments];
        int[] pairs = plan.pairs();
        int[] firstClass = plan.tileFirstClass();
        int[] segStart = plan.tileSegmentStart();
        for (int b = 0; b < plan.pairCount(); b++) {
            int tileI = pairs[2 * b];
            int tileJ = pairs[2 * b + 1];
            int i0 = tileI * TILE;
            int j0 = tileJ * TILE;
            for (int li = 0; li < TILE; li++) { // row role
                int gi = i0 + li;
                if (gi >= n) {
                    continue;
                }
                int base = gi * segments + segStart[tileJ] - firstClass[tileJ];
                int count = Math.min(TILE, n - j0);
                int cls = labels[j0];
                double sum = 0;
                for (int lj = 0; lj < count; lj++) {
                    int c = labels[j0 + lj];
                    if (c != cls) {
                        partials[base + cls] = sum;
                        writes[base + cls]++;
                        sum = 0;
                        cls = c;
                    }
                    sum += distance(gi, j0 + lj);
                }
                partials[base + cls] = sum;
                writes[base + cls]++;
            }
            if (tileI != tileJ) {
                for (int lj = 0; lj < TILE; lj++) { // column role
                    int gj = j0 + lj;
                    if (gj >= n) {
                        continue;
                    }
                    int base = gj * segments + segStart[tileI] - firstClass[tileI];
                    int count = Math.min(TILE, n - i0);
                    int cls = labels[i0];
                    double sum = 0;
                    for (int li = 0; li < count; li++) {
                        int c = labels[i0 + li];
                        if (c != cls) {
                            partials[base + cls] = sum;
                            writes[base + cls]++;
                            sum = 0;
                            cls = c;
                        }
                        sum += distance(i0 + li, gj);
                    }
                    partials[base + cls] = sum;
                    writes[base + cls]++;
                }
            }
        }
        for (int slot = 0; slot < writes.length; slot++) {
            assertEquals(1, writes[slot], "partial slot " + slot + " written " + writes[slot] + " times");
        }
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < k; c++) {
                double sum = 0;
                for (int t = offsets[c] / TILE; t <= (offsets[c + 1] - 1) / TILE; t++) {
                    sum += partials[p * segments + segStart[t] + c - firstClass[t]];
                }
                double direct = 0;
                for (int j = offsets[c]; j < offsets[c + 1]; j++) {
                    direct += distance(p, j);
                }
                assertEquals(direct, sum, "row " + p + " class " + c);
            }
        }
    }

    /**
     * Replays euclidean_backward_rows' grid (row tile x column split, the split's tile range as the kernel computes
     * it) for every split count up to the tile count: every ordered pair (i, j), i != j, reaches row i's gradient
     * exactly once, and every gradient element has one writing block per slab.
     */
    @ParameterizedTest
    @MethodSource("classSizes")
    void backwardGridReachesEveryOrderedPairOnce(int[] sizes) {
        int[] offsets = offsets(sizes);
        int n = offsets[sizes.length];
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, offsets);
        int tiles = plan.tiles();
        for (int splits = 1; splits <= tiles; splits++) {
            int[][] hits = new int[n][n];
            for (int split = 0; split < splits; split++) {
                int jBegin = (int) ((long) tiles * split / splits);
                int jEnd = (int) ((long) tiles * (split + 1) / splits);
                assertTrue(jEnd > jBegin, "empty split " + split + " of " + splits);
                for (int tileI = 0; tileI < tiles; tileI++) {
                    for (int tileJ = jBegin; tileJ < jEnd; tileJ++) {
                        for (int li = 0; li < TILE; li++) {
                            for (int lj = 0; lj < TILE; lj++) {
                                int gi = tileI * TILE + li;
                                int gj = tileJ * TILE + lj;
                                if (gi < n && gj < n && gi != gj) {
                                    hits[gi][gj]++; // g_i += h_ij (z_i - z_j), by block (tileI, split) only
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 0 : 1, hits[i][j], "pair " + i + "," + j + " with " + splits + " splits");
                }
            }
        }
    }

    @Test
    void backwardSplitsFillTheDeviceWithinTheSlabBudget() {
        int[] one = {0, 64};
        assertEquals(1, EuclideanTilePlan.of(64, one).backwardSplits(512), "one tile: one split");
        // N = 16384: 256 tiles, 4 splits make 1024 blocks; 4 slabs of 64 MiB are within the 256 MiB budget
        EuclideanTilePlan target = EuclideanTilePlan.of(16384, new int[] {0, 8000, 16384});
        assertEquals(4, target.backwardSplits(512));
        assertEquals(1024, target.tiles() * target.backwardSplits(512));
        // D = 4096: one slab is 512 MiB, over the budget by itself: a single split
        assertEquals(1, target.backwardSplits(4096));
        // a small batch: as many splits as tiles, capped by the budget only when slabs are big
        EuclideanTilePlan small = EuclideanTilePlan.of(640, new int[] {0, 320, 640});
        assertEquals(10, small.backwardSplits(64));
        for (int d : new int[] {1, 7, 512, 4096, 100_000}) {
            int s = target.backwardSplits(d);
            assertTrue(s >= 1 && s <= target.tiles());
            assertTrue(s == 1 || (long) s * 16384 * d * Double.BYTES <= EuclideanTilePlan.SLAB_BUDGET_BYTES,
                    "slabs within the budget at d=" + d);
        }
        // a huge batch already fills the device: one split
        assertEquals(1, EuclideanTilePlan.of(131_072, new int[] {0, 131_072}).backwardSplits(64));
    }

    private static double distance(int p, int j) {
        return p == j ? 0.0 : Math.abs(p - j) + 1.0;
    }

    @Test
    void targetCaseStaysSmall() {
        int n = 16384;
        int k = 1000;
        int[] sizes = new int[k];
        java.util.Arrays.fill(sizes, n / k);
        for (int i = 0; i < n % k; i++) {
            sizes[i]++;
        }
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, offsets(sizes));
        assertEquals(256, plan.tiles());
        assertEquals(256 * 257 / 2, plan.pairCount());
        assertTrue(plan.segments() <= k + 255);
        // N x segments floats: far below the N x N matrix (1 GiB)
        assertTrue(plan.partialBytes() < 100L << 20, "partials " + plan.partialBytes());
    }

    @Test
    void rejectsInconsistentOffsets() {
        assertThrows(IllegalArgumentException.class, () -> EuclideanTilePlan.of(3, new int[] {0, 2}));
        assertThrows(IllegalArgumentException.class, () -> EuclideanTilePlan.of(3, new int[] {0, 0, 3}));
        assertThrows(IllegalArgumentException.class, () -> EuclideanTilePlan.of(0, new int[] {0, 0}));
    }

    @Test
    void matchesOnlyTheSameBatchShape() {
        EuclideanTilePlan plan = EuclideanTilePlan.of(5, new int[] {0, 2, 5});
        assertTrue(plan.matches(5, new int[] {0, 2, 5}));
        assertTrue(!plan.matches(5, new int[] {0, 3, 5}));
        assertTrue(!plan.matches(6, new int[] {0, 2, 6}));
        assertArrayEquals(new int[] {0, 0}, plan.pairs());
    }
}
