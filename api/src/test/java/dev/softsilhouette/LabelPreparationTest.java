package dev.softsilhouette;

import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelPreparationTest {

    private static PreparedBatch prepare(int[] labels) {
        int n = labels.length;
        MemorySegment x = MemorySegment.ofArray(new float[n]);
        return LabelPreparation.forThisThread().prepare(x, n, 1, MemorySegment.ofArray(labels));
    }

    @Test
    void sparseAndHugeLabelsBecomeCompactClassesInLabelOrder() {
        PreparedBatch b = prepare(new int[]{3, 70000, 3, Integer.MAX_VALUE, 0, 70000});
        assertEquals(4, b.classCount());
        assertArrayEquals(new int[]{1, 2, 1, 3, 0, 2}, b.labels());
        assertArrayEquals(new int[]{4, 0, 2, 1, 5, 3}, b.sortedRows());
        assertArrayEquals(new int[]{1, 3, 2, 5, 0, 4}, b.sortedPositions());
        assertArrayEquals(new int[]{0, 1, 3, 5, 6}, b.classOffsets());
        assertEquals(2, b.classSize(1));
    }

    @Test
    void oneRowAndOneClass() {
        PreparedBatch one = prepare(new int[]{Integer.MAX_VALUE});
        assertEquals(1, one.classCount());
        assertArrayEquals(new int[]{0, 1}, one.classOffsets());
        PreparedBatch same = prepare(new int[]{5, 5, 5});
        assertArrayEquals(new int[]{0, 0, 0}, same.labels());
        assertArrayEquals(new int[]{0, 1, 2}, same.sortedRows());
    }

    /** Random labels, sorted or not: every invariant the SPI documents. */
    @RepeatedTest(40)
    void invariantsHoldForRandomLabels(org.junit.jupiter.api.RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition());
        int n = 1 + random.nextInt(300);
        int[] values = IntStream.generate(() -> random.nextInt(Integer.MAX_VALUE)).limit(1 + random.nextInt(12))
                .toArray();
        int[] labels = IntStream.range(0, n).map(i -> values[random.nextInt(values.length)]).toArray();
        if (random.nextBoolean()) {
            Arrays.sort(labels);
        }
        int[] original = labels.clone();
        PreparedBatch b = prepare(labels);
        assertArrayEquals(original, labels, "the caller's labels are not modified");
        int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
        assertEquals(distinct.length, b.classCount());
        for (int i = 0; i < n; i++) {
            assertEquals(Arrays.binarySearch(distinct, labels[i]), b.labels()[i], "compact label of row " + i);
            assertEquals(i, b.sortedRows()[b.sortedPositions()[i]], "positions invert the order");
        }
        for (int k = 0; k < b.classCount(); k++) {
            for (int p = b.classOffsets()[k]; p < b.classOffsets()[k + 1]; p++) {
                assertEquals(k, b.labels()[b.sortedRows()[p]], "position " + p + " lies in class " + k);
                if (p > b.classOffsets()[k]) {
                    assertTrue(b.sortedRows()[p - 1] < b.sortedRows()[p], "stable within class " + k);
                }
            }
        }
        assertEquals(n, b.classOffsets()[b.classCount()]);
    }

    /** The per-thread workspace is reused: a later call of another shape must not see stale values. */
    @Test
    void reusedWorkspaceGivesFreshResults() {
        PreparedBatch first = prepare(new int[]{9, 8, 7, 6});
        assertArrayEquals(new int[]{3, 2, 1, 0}, first.labels());
        PreparedBatch second = prepare(new int[]{1, 1, 2, 2});
        assertEquals(2, second.classCount());
        assertArrayEquals(new int[]{0, 0, 1, 1}, second.labels());
        assertArrayEquals(new int[]{0, 2, 4}, second.classOffsets());
        PreparedBatch third = prepare(new int[]{4, 4});
        assertArrayEquals(new int[]{0, 0}, third.labels());
        assertArrayEquals(new int[]{0, 2}, third.classOffsets());
    }

    /**
     * Labels are read in chunks of 4096 (the workspace keeps no copy of a whole batch): a batch across several chunks,
     * from an unaligned native segment, comes out as from the plain definition.
     */
    @Test
    void batchesLongerThanAReadChunkFromAnUnalignedNativeSegment() {
        int n = 10_001;
        Random random = new Random(7);
        int[] labels = IntStream.range(0, n).map(i -> 1000 * random.nextInt(30)).toArray();
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment segment = arena.allocate((long) n * Integer.BYTES + 1).asSlice(1);
            for (int i = 0; i < n; i++) {
                segment.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, i, labels[i]);
            }
            LabelPreparation.checkNonNegative(segment, n);
            PreparedBatch b = LabelPreparation.forThisThread()
                    .prepare(MemorySegment.ofArray(new float[n]), n, 1, segment);
            int[] distinct = Arrays.stream(labels).distinct().sorted().toArray();
            assertEquals(distinct.length, b.classCount());
            int p = 0;
            for (int k = 0; k < distinct.length; k++) {
                assertEquals(p, b.classOffsets()[k]);
                for (int i = 0; i < n; i++) { // class order, then row order
                    if (labels[i] == distinct[k]) {
                        assertEquals(i, b.sortedRows()[p], "position " + p);
                        assertEquals(k, b.labels()[i], "compact label of row " + i);
                        p++;
                    }
                }
            }
            assertEquals(n, p);
        }
    }

    @Test
    void aNegativeLabelInALaterReadChunkIsReportedWithItsIndex() {
        int[] labels = new int[9_000];
        labels[8_999] = -2;
        labels[4_096] = -7;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelPreparation.checkNonNegative(MemorySegment.ofArray(labels), labels.length));
        assertTrue(e.getMessage().startsWith("labels: index 4096 is -7"), e.getMessage());
        LabelPreparation.checkNonNegative(MemorySegment.ofArray(labels), 4_096);
    }

    @Test
    void theFirstNegativeLabelIsReportedWithItsIndex() {
        int[] labels = {0, 5, -3, -1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelPreparation.checkNonNegative(MemorySegment.ofArray(labels), 4));
        assertTrue(e.getMessage().startsWith("labels: index 2 is -3"), e.getMessage());
        LabelPreparation.checkNonNegative(MemorySegment.ofArray(labels), 2);
    }
}
