package dev.softsilhouette.cuda.engine.sgemm;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment table drives what the EUCLIDEAN kernels sum, so it is checked by replaying the two kernels on the
 * host: summing per segment then per class must give, for every row and class, the plain sum over the class.
 */
class SegmentPlanTest {

    @Test
    void replayingTheKernelsOnTheTableGivesPlainClassSums() {
        Random random = new Random(7);
        for (int trial = 0; trial < 60; trial++) {
            int classes = 1 + random.nextInt(12);
            int[] offsets = new int[classes + 1];
            for (int c = 0; c < classes; c++) {
                int size = random.nextInt(5) == 0 ? 1 + random.nextInt(300) : 1 + random.nextInt(6);
                offsets[c + 1] = offsets[c] + size;
            }
            int rows = offsets[classes];
            long budget = GramChunkPlan.BYTES_PER_CELL * (long) Math.pow(1 + random.nextInt(rows), 2);
            GramChunkPlan plan = GramChunkPlan.plan(rows, budget);
            SegmentPlan segments = SegmentPlan.of(plan, offsets);
            int[] table = segments.table();
            double[] value = new double[rows];
            for (int j = 0; j < rows; j++) {
                value[j] = random.nextDouble();
            }
            double[] sums = new double[classes];
            for (int b = 0; b < plan.blockCount(); b++) {
                int j0 = plan.blockStart(b);
                int j1 = j0 + plan.blockLength(b);
                int count = segments.segmentCount(b);
                assertTrue(count <= plan.blockLength(b), "at most one segment per column");
                assertTrue(count <= segments.maxSegmentCount());
                double[] partial = new double[count];
                for (int s = 0; s < count; s++) {
                    int start = table[segments.segmentStartIndex(b) + s];
                    int end = table[segments.segmentEndIndex(b) + s];
                    assertTrue(j0 <= start && start < end && end <= j1, "segment inside its block");
                    assertTrue(end - start <= SegmentPlan.MAX_SEGMENT, "segment length bounded");
                    for (int j = start; j < end; j++) {
                        partial[s] += value[j];
                    }
                }
                int base = segments.classSegmentFirstIndex(b);
                for (int c = 0; c < segments.classCount(b); c++) {
                    int cls = segments.classFirst(b) + c;
                    for (int s = table[base + c]; s < table[base + c + 1]; s++) {
                        int start = table[segments.segmentStartIndex(b) + s];
                        assertTrue(offsets[cls] <= start && start < offsets[cls + 1], "segment in its class");
                        sums[cls] += partial[s];
                    }
                }
                assertEquals(count, table[base + segments.classCount(b)], "last class ends at the segment count");
            }
            for (int c = 0; c < classes; c++) {
                double expected = 0;
                for (int j = offsets[c]; j < offsets[c + 1]; j++) {
                    expected += value[j];
                }
                assertEquals(expected, sums[c], 1e-9 * Math.max(1, expected), "class " + c + " trial " + trial);
            }
        }
    }

    @Test
    void largeClassesAreCutIntoBoundedSegments() {
        int[] offsets = {0, 1000, 1001};
        GramChunkPlan plan = GramChunkPlan.plan(1001, 1L << 30);
        SegmentPlan segments = SegmentPlan.of(plan, offsets);
        assertEquals(1, plan.blockCount());
        assertEquals((1000 + 63) / 64 + 1, segments.segmentCount(0));
        assertEquals(0, segments.classFirst(0));
        assertEquals(2, segments.classCount(0));
    }
}
