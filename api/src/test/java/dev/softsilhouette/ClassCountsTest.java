package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The class table of a set of labels, whether its labels are counted per label (small labels) or sorted (labels
 * beyond the counting range): the distinct labels increasing and their counts.
 */
class ClassCountsTest {
    private static void assertTable(int[] labels) {
        Map<Integer, Long> expected = new TreeMap<>();
        for (int label : labels) {
            expected.merge(label, 1L, Long::sum);
        }
        ClassCounts classes = ClassCounts.of(labels);
        assertArrayEquals(expected.keySet().stream().mapToInt(Integer::intValue).toArray(), classes.labels());
        int k = 0;
        for (long count : expected.values()) {
            assertEquals(count, classes.count(k++));
        }
        assertEquals(labels.length, classes.rows());
    }

    @Test
    void countedAndSortedLabelsGiveTheSameTable() {
        Random random = new Random(20261201L);
        int[] bounds = {1, 2, 10, 1000, 1 << 16, (1 << 16) + 1, 1 << 20, Integer.MAX_VALUE};
        for (int rows : new int[] {1, 2, 3, 100, 5000}) {
            for (int bound : bounds) {
                int[] labels = new int[rows];
                for (int i = 0; i < rows; i++) {
                    labels[i] = random.nextInt(bound);
                }
                assertTable(labels);
            }
        }
        assertTable(new int[] {0});
        assertTable(new int[] {Integer.MAX_VALUE, 0, Integer.MAX_VALUE}); // the largest label, sorted
        assertTable(new int[] {1 << 16, 3, 3, 1 << 16}); // the counting range's edge, counted
    }
}
