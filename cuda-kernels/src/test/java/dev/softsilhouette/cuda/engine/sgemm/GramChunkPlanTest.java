package dev.softsilhouette.cuda.engine.sgemm;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GramChunkPlanTest {

    @Test
    void defaultBudgetGivesAlignedBlocksThatFit() {
        GramChunkPlan plan = GramChunkPlan.plan(16384, GramChunkPlan.DEFAULT_BUDGET_BYTES);
        // sqrt(256 MiB / 12 B) = 4729.6 -> 4608, the largest multiple of 128 below
        assertEquals(4608, plan.blockSize());
        assertEquals(4, plan.blockCount());
        assertEquals(4608, plan.blockLength(0));
        assertEquals(16384 - 3 * 4608, plan.blockLength(3));
        assertTrue((long) plan.blockSize() * plan.blockSize() * GramChunkPlan.BYTES_PER_CELL
                <= GramChunkPlan.DEFAULT_BUDGET_BYTES);
    }

    @Test
    void blocksCoverEveryRowExactlyOnce() {
        for (int rows : new int[] {1, 2, 127, 128, 129, 1000, 5000}) {
            for (long budget : new long[] {12, 100, 12L * 128 * 128, 12L * 129 * 129, 1L << 20, 1L << 30}) {
                GramChunkPlan plan = GramChunkPlan.plan(rows, budget);
                int covered = 0;
                for (int b = 0; b < plan.blockCount(); b++) {
                    assertEquals(covered, plan.blockStart(b));
                    assertTrue(plan.blockLength(b) >= 1);
                    covered += plan.blockLength(b);
                }
                assertEquals(rows, covered, rows + " rows, budget " + budget);
                assertTrue((long) plan.blockSize() * plan.blockSize() * GramChunkPlan.BYTES_PER_CELL <= budget,
                        "block fits the budget");
            }
        }
    }

    @Test
    void smallBatchesAreOneBlockAndTinyBudgetsStillProgress() {
        assertEquals(1, GramChunkPlan.plan(300, 1L << 30).blockCount());
        assertEquals(300, GramChunkPlan.plan(300, 1L << 30).blockSize());
        assertEquals(1, GramChunkPlan.plan(300, 12).blockSize());
        // 12 * 129^2 bytes: 129 rows fit, and 129 >= 128 rounds down to 128
        assertEquals(128, GramChunkPlan.plan(1000, 12L * 129 * 129).blockSize());
        assertEquals(100, GramChunkPlan.plan(1000, 12L * 100 * 100).blockSize());
    }

    @Test
    void rejectsBudgetsBelowOneCellAndBadProperties() {
        assertThrows(IllegalArgumentException.class, () -> GramChunkPlan.plan(10, 11));
        assertThrows(IllegalArgumentException.class, () -> GramChunkPlan.plan(0, 1 << 20));
        String old = System.getProperty(GramChunkPlan.BUDGET_PROPERTY);
        try {
            System.setProperty(GramChunkPlan.BUDGET_PROPERTY, "lots");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    GramChunkPlan::configuredBudget);
            assertTrue(e.getMessage().contains(GramChunkPlan.BUDGET_PROPERTY));
            System.setProperty(GramChunkPlan.BUDGET_PROPERTY, "1048576");
            assertEquals(1L << 20, GramChunkPlan.configuredBudget());
            System.clearProperty(GramChunkPlan.BUDGET_PROPERTY);
            assertEquals(GramChunkPlan.DEFAULT_BUDGET_BYTES, GramChunkPlan.configuredBudget());
        } finally {
            if (old == null) {
                System.clearProperty(GramChunkPlan.BUDGET_PROPERTY);
            } else {
                System.setProperty(GramChunkPlan.BUDGET_PROPERTY, old);
            }
        }
    }
}
