package dev.softsilhouette.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    /** The split every demo evaluates on: 1797 rows, 30% per class to the test set, with a fixed seed. */
    @Test
    void digitsAreSplitStratifiedAndScaled() {
        Dataset digits = Datasets.digits();
        assertEquals(64, digits.features());
        assertEquals(10, digits.classes());
        assertEquals(1258, digits.trainRows());
        assertEquals(539, digits.testRows());
        int[] test = new int[10];
        int[] all = new int[10];
        for (int y : digits.testY()) {
            test[y]++;
            all[y]++;
        }
        for (int y : digits.trainY()) {
            all[y]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(Math.round(0.3 * all[c]), test[c], "class " + c);
        }
        float max = 0;
        for (float v : digits.trainX()) {
            assertTrue(v >= 0f && v <= 1f);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
        assertEquals(digits.testY()[0], Datasets.digits().testY()[0]);
        assertEquals(100, digits.limitTrain(100).trainRows());
    }

    @Test
    void aMissingFashionMnistDirectoryIsNamed(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.fashionMnist(dir.resolve("absent")));
        assertTrue(e.getMessage().startsWith("Fashion-MNIST directory " + dir.resolve("absent")), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.fashionMnist(dir));
        assertTrue(e.getMessage().contains("has no train-images-idx3-ubyte"), e.getMessage());
    }

    /** A permutation, the same for the same seed; sd is the sample one. */
    @Test
    void seedsShuffleAndSummarise() {
        int[] a = {0, 1, 2, 3, 4, 5, 6, 7};
        int[] b = a.clone();
        Seeds.shuffle(a, new java.util.Random(1));
        Seeds.shuffle(b, new java.util.Random(1));
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
        assertEquals(28, java.util.Arrays.stream(a).sum());
        assertTrue(!java.util.Arrays.equals(a, new int[]{0, 1, 2, 3, 4, 5, 6, 7}));
        assertEquals(2.0, Seeds.mean(new double[]{1, 2, 3}));
        assertEquals(1.0, Seeds.sd(new double[]{1, 2, 3}), 1e-15);
        assertEquals(0.0, Seeds.sd(new double[]{5}));
    }
}
