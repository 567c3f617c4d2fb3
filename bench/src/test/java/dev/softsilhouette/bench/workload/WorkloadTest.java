package dev.softsilhouette.bench.workload;

import dev.softsilhouette.bench.ceiling.GemmShape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadTest {

    @Test
    void parsesShapeAndScoreOnlySuffix() {
        Workload w = Workload.parse("20000x64x10:score");
        assertEquals(new Workload(20000, 64, 10, true), w);
        assertEquals("20000x64x10", w.label());
        assertEquals(Workload.of(256, 128, 10), Workload.parse("256x128x10"));
    }

    @Test
    void rejectsMalformedOrTooFewRowsPerClass() {
        assertThrows(IllegalArgumentException.class, () -> Workload.parse("256x128"));
        assertThrows(IllegalArgumentException.class, () -> Workload.parse("axbxc"));
        assertThrows(IllegalArgumentException.class, () -> Workload.parse("10x4x6"));
    }

    @Test
    void gramShapeIsTheWholeMatrixUntilItPassesTwoToThe26Elements() {
        assertEquals(new GemmShape(4096, 4096, 256), GemmShape.gramOf(Workload.of(4096, 256, 100)));
        assertEquals(new GemmShape(3355, 20000, 64), GemmShape.gramOf(Workload.of(20000, 64, 10)));
        assertEquals(new GemmShape(1024, 65536, 128), GemmShape.gramOf(Workload.of(65536, 128, 100)));
    }

    @Test
    void syntheticBatchIsReproducibleBalancedAndShuffled() {
        SyntheticBatch a = SyntheticBatch.clustered(Workload.of(1000, 8, 10));
        SyntheticBatch b = SyntheticBatch.clustered(Workload.of(1000, 8, 10));
        assertArrayEquals(a.embeddings(), b.embeddings());
        assertArrayEquals(a.labels(), b.labels());
        int[] counts = new int[10];
        boolean sorted = true;
        for (int i = 0; i < a.labels().length; i++) {
            counts[a.labels()[i]]++;
            sorted &= i == 0 || a.labels()[i - 1] <= a.labels()[i];
        }
        for (int c : counts) {
            assertEquals(100, c);
        }
        assertTrue(!sorted, "labels are shuffled");
    }
}
