package dev.softsilhouette.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SixRowGroupsTest {

    @Test
    void asManySixesAsLeaveAMultipleOfFour() {
        for (int rows = 0; rows <= 256; rows += 4) {
            int sixes = SortedBatch.sixRowGroups(rows, 4);
            int rest = rows - 6 * sixes;
            assertTrue(sixes >= 0 && rest >= 0 && rest % 4 == 0, rows + " rows: " + sixes + " sixes");
            int more = rows - 6 * (sixes + 1);
            assertTrue(more < 0 || more % 4 != 0, rows + " rows: " + (sixes + 1) + " sixes would also fit");
        }
        assertEquals(10, SortedBatch.sixRowGroups(64, 4)); // a row chunk: 60 + 4
        assertEquals(16, SortedBatch.sixRowGroups(100, 4)); // 100 classes: 96 + 4
        assertEquals(0, SortedBatch.sixRowGroups(8, 4)); // 6 + 2 would leave a lone pair
    }

    @Test
    void noneWithoutRegistersForSixByFour() {
        for (int rows = 0; rows <= 64; rows += 4) {
            assertEquals(0, SortedBatch.sixRowGroups(rows, 3));
        }
    }
}
