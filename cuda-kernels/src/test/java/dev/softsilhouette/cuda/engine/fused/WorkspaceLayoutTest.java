package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.fused.WorkspaceLayout.Device;
import dev.softsilhouette.cuda.engine.fused.WorkspaceLayout.Host;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Comparator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkspaceLayoutTest {

    private static int[] equalClasses(int n, int k) {
        int[] offsets = new int[k + 1];
        for (int c = 0; c < k; c++) {
            offsets[c + 1] = offsets[c] + n / k + (c < n % k ? 1 : 0);
        }
        return offsets;
    }

    @Test
    void euclideanGradientRegionsHaveTheirExactSizes() {
        int n = 1000;
        int d = 33; // odd
        int k = 7;
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, equalClasses(n, k));
        WorkspaceLayout layout = WorkspaceLayout.of(n, d, k, true, true, plan);
        assertEquals(n * d * 4L, layout.bytes(Device.X));
        assertEquals(n * d * 4L, layout.bytes(Device.Z));
        assertEquals(d * 8L, layout.bytes(Device.MEAN));
        assertEquals(n * 4L, layout.bytes(Device.ROW_WEIGHTS));
        assertEquals(n * 8L, layout.bytes(Device.SELF_DOT));
        assertEquals((long) n * k * 8, layout.bytes(Device.SUMS));
        assertEquals(plan.partialBytes(), layout.bytes(Device.PARTIALS));
        assertEquals(16, plan.tiles());
        assertEquals(16, layout.gradientSlabs(), "one slab per backward split: as many as tiles here");
        assertEquals(16L * n * d * 8, layout.bytes(Device.GRADIENT_ACC));
        assertEquals(n * d * 4L, layout.bytes(Device.GRADIENT));
        int chunks = dev.softsilhouette.cuda.engine.ColumnStatistics.chunks(n);
        assertEquals(16, chunks, "1000 rows in chunks of at least 64");
        assertEquals(chunks * 3L * d * 8, layout.bytes(Device.COLUMN_PARTIALS));
        assertEquals(d * 8L, layout.bytes(Device.SPREAD));
        assertEquals(d * 8L, layout.bytes(Host.SPREAD));
        assertEquals(0, layout.bytes(Device.CLASS_SUM));
        assertEquals(0, layout.bytes(Device.COEF_ROWS));
        // ints: sortedRows N, sortedLabels N, classOffsets K+1, tileFirstClass P, tileSegmentStart P+1, pairs 2*pairs
        int tiles = plan.tiles();
        long ints = 2L * n + (k + 1) + tiles + (tiles + 1) + 2L * plan.pairCount();
        assertEquals(ints * 4, layout.bytes(Device.INTS));
        assertEquals(layout.bytes(Device.INTS), layout.bytes(Host.INTS));
        assertEquals((int) ints, layout.ints().total());
        assertEquals(2 * n + k + 1 + tiles + tiles + 1, layout.ints().pairs());
        assertEquals(n * 8L, layout.bytes(Host.SILHOUETTES));
        assertEquals(n * d * 4L, layout.bytes(Host.GRADIENT));
        checkAlignedAndDisjoint(layout);
    }

    @Test
    void classStatisticsForwardNeedsNoPairsAndNoGradientBuffers() {
        int n = 517;
        int d = 129;
        int k = 517; // every row its own class
        WorkspaceLayout layout = WorkspaceLayout.of(n, d, k, false, false, null);
        assertEquals(0, layout.bytes(Device.PARTIALS));
        assertEquals(0, layout.bytes(Device.GRADIENT_ACC));
        assertEquals(1, layout.gradientSlabs());
        assertEquals(0, layout.bytes(Device.GRADIENT));
        assertEquals(0, layout.bytes(Device.ROW_WEIGHTS));
        assertEquals(0, layout.bytes(Host.GRADIENT));
        assertEquals((long) k * d * 8, layout.bytes(Device.CLASS_SUM));
        assertEquals(k * 8L, layout.bytes(Device.CLASS_SQ));
        assertEquals((2L * n + k + 1) * 4, layout.bytes(Device.INTS));
        checkAlignedAndDisjoint(layout);
    }

    @Test
    void targetCaseFitsComfortablyAndHasNoPairMatrix() {
        int n = 16384;
        int d = 512;
        int k = 1000;
        EuclideanTilePlan plan = EuclideanTilePlan.of(n, equalClasses(n, k));
        WorkspaceLayout layout = WorkspaceLayout.of(n, d, k, true, true, plan);
        long nByN = (long) n * n * Float.BYTES; // 1 GiB
        // X, Z, gradient (float) + one accumulator slab (double) = 20 N D; sums 8 N K; partials 4 N (K + N/64);
        // the backward's 3 further slabs (4 splits: 1024 blocks), 24 N D
        assertEquals(4, layout.gradientSlabs());
        long expectedMax = 20L * n * d + 24L * n * d + 8L * n * k + 4L * n * (k + n / 64) + (2L << 20);
        assertTrue(layout.deviceBytes() <= expectedMax, layout.deviceBytes() + " > " + expectedMax);
        assertTrue(layout.deviceBytes() < nByN * 3 / 5, "device bytes " + layout.deviceBytes());
        System.out.println("[backend-cuda] target case N=16384 D=512 K=1000 workspace: device "
                + (layout.deviceBytes() >> 20) + " MiB, pinned host " + (layout.hostBytes() >> 20) + " MiB");
    }

    @Test
    void rejectsImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLayout.of(0, 1, 1, false, false, null));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLayout.of(3, 1, 4, false, false, null));
        assertThrows(IllegalArgumentException.class, () -> WorkspaceLayout.of(3, 1, 1, true, false, null));
    }

    @Test
    void alignUpRoundsToTheAlignment() {
        assertEquals(0, WorkspaceLayout.alignUp(0));
        assertEquals(256, WorkspaceLayout.alignUp(1));
        assertEquals(256, WorkspaceLayout.alignUp(256));
        assertEquals(512, WorkspaceLayout.alignUp(257));
    }

    private static void checkAlignedAndDisjoint(WorkspaceLayout layout) {
        long[][] device = Arrays.stream(Device.values()).map(r -> new long[] {layout.offset(r), layout.bytes(r)})
                .sorted(Comparator.comparingLong(a -> a[0])).toArray(long[][]::new);
        check(device, layout.deviceBytes());
        long[][] host = Arrays.stream(Host.values()).map(r -> new long[] {layout.offset(r), layout.bytes(r)})
                .sorted(Comparator.comparingLong(a -> a[0])).toArray(long[][]::new);
        check(host, layout.hostBytes());
    }

    private static void check(long[][] regions, long total) {
        long end = 0;
        for (long[] r : regions) {
            assertEquals(0, r[0] % WorkspaceLayout.ALIGNMENT, "unaligned region at " + r[0]);
            assertTrue(r[0] >= end, "overlapping regions at " + r[0]);
            end = r[0] + r[1];
        }
        assertTrue(end <= total);
    }
}
