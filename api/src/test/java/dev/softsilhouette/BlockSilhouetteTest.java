package dev.softsilhouette;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The block decomposition on the reference backend: blockwise equals whole-batch, and the rejections. */
class BlockSilhouetteTest {
    private static final int N = 53;
    private static final int D = 5;

    /** Four classes at random centres, one singleton (label 70000), labels sparse, 20 units from the origin. */
    private static float[] x;
    private static int[] y;

    static {
        SplittableRandom random = new SplittableRandom(13);
        int[] classLabels = {3, 9, 70000, 41};
        double[][] centres = new double[4][D];
        for (double[] c : centres) {
            for (int t = 0; t < D; t++) {
                c[t] = random.nextDouble(-1, 1);
            }
        }
        x = new float[N * D];
        y = new int[N];
        for (int i = 0; i < N; i++) {
            int c = i == 17 ? 2 : random.nextInt(4) == 2 ? 0 : random.nextInt(4);
            c = c == 2 && i != 17 ? 3 : c;
            y[i] = classLabels[c];
            for (int t = 0; t < D; t++) {
                x[i * D + t] = (float) (20 + centres[c][t] + 0.4 * random.nextDouble(-1, 1));
            }
        }
    }

    private static List<RowBlock> blocks(int size) {
        List<RowBlock> out = new java.util.ArrayList<>();
        for (int from = 0; from < N; from += size) {
            int to = Math.min(N, from + size);
            out.add(RowBlock.of(Arrays.copyOfRange(x, from * D, to * D), Arrays.copyOfRange(y, from, to), D));
        }
        return out;
    }

    private static float[] wholeBatch(Metric metric) {
        float[] s = new float[N];
        SoftSilhouetteLoss.builder().backend("reference").metric(metric).build()
                .samples(Floats.of(x), Ints.of(y), N, D, Floats.of(s));
        return s;
    }

    private static float[] blockwise(Metric metric, int size) {
        try (BlockSilhouette blocks = BlockSilhouette.builder().backend("reference").metric(metric).build()) {
            return blockwise(blocks, size);
        }
    }

    private static float[] blockwise(BlockSilhouette blocks, int size) {
        Metric metric = blocks.metric();
        List<RowBlock> parts = blocks(size);
        float[] s = new float[N];
        if (metric == Metric.EUCLIDEAN) {
            ClassCounts classes = parts.stream().map(b -> ClassCounts.of(b.labels(), b.rows()))
                    .reduce(ClassCounts::merge).orElseThrow();
            int k = classes.classCount();
            double[][] sums = new double[parts.size()][];
            for (int i = 0; i < parts.size(); i++) {
                sums[i] = new double[parts.get(i).rows() * k];
            }
            for (int i = 0; i < parts.size(); i++) {
                blocks.addEuclideanSums(classes, parts.get(i), sums[i]);
                for (int j = i + 1; j < parts.size(); j++) {
                    blocks.addEuclideanSums(classes, parts.get(i), parts.get(j), sums[i], sums[j]);
                }
            }
            for (int i = 0; i < parts.size(); i++) {
                blocks.silhouettesFromSums(classes, parts.get(i).labels(), parts.get(i).rows(), sums[i],
                        Floats.of(s, i * size));
            }
        } else {
            double[] shift = blocks.shift(parts.getFirst());
            ClassStatistics all = parts.stream().map(b -> blocks.statistics(b, shift))
                    .reduce(ClassStatistics::merge).orElseThrow();
            for (int i = 0; i < parts.size(); i++) {
                blocks.silhouettes(all, parts.get(i), Floats.of(s, i * size));
            }
        }
        return s;
    }

    @ParameterizedTest
    @CsvSource({"EUCLIDEAN,1", "EUCLIDEAN,7", "EUCLIDEAN,53", "SQUARED_EUCLIDEAN,1", "SQUARED_EUCLIDEAN,10",
            "SQUARED_EUCLIDEAN,53", "COSINE,1", "COSINE,4", "COSINE,53"})
    void blockwiseEqualsWholeBatch(Metric metric, int size) {
        float[] expected = wholeBatch(metric);
        float[] actual = blockwise(metric, size);
        for (int i = 0; i < N; i++) {
            assertEquals(expected[i], actual[i], 1e-6, metric + " block size " + size + " row " + i);
        }
        assertEquals(0f, actual[17], "the singleton's s_i is 0 by convention");
    }

    /**
     * Blocks centred each on its own shift (its own mean), moved onto the first block's shift and merged, give the
     * statistics and the s_i of every block centred on that shift to float64 rounding.
     */
    @ParameterizedTest
    @CsvSource({"SQUARED_EUCLIDEAN,7", "SQUARED_EUCLIDEAN,20", "COSINE,7", "COSINE,20"})
    void statisticsMovedOntoAnotherShiftMergeAsIfCentredThere(Metric metric, int size) {
        try (BlockSilhouette blocks = BlockSilhouette.builder().backend("reference").metric(metric).build()) {
            List<RowBlock> parts = blocks(size);
            double[] common = blocks.shift(parts.getFirst());
            ClassStatistics expected = parts.stream().map(b -> blocks.statistics(b, common))
                    .reduce(ClassStatistics::merge).orElseThrow();
            ClassStatistics moved = parts.stream().map(b -> blocks.statistics(b, blocks.shift(b)).centredOn(common))
                    .reduce(ClassStatistics::merge).orElseThrow();
            assertEquals(expected.classes(), moved.classes());
            assertArrayEquals(common, moved.shift());
            for (int k = 0; k < expected.classes().classCount(); k++) {
                double q = expected.squaredNorm(k);
                assertEquals(q, moved.squaredNorm(k), 1e-12 * Math.max(1.0, q), metric + " Q_" + k);
                double[] sum = expected.sum(k);
                double[] movedSum = moved.sum(k);
                for (int t = 0; t < D; t++) {
                    assertEquals(sum[t], movedSum[t], 1e-12 * Math.max(1.0, Math.abs(sum[t])), metric + " S_" + k);
                }
            }
            for (RowBlock b : parts) {
                assertEquals(blocks.silhouettes(expected, b, null), blocks.silhouettes(moved, b, null), 1e-9);
            }
        }
    }

    @Test
    void mergeAddsCountsAndKeepsEveryClass() {
        ClassCounts a = ClassCounts.of(new int[]{5, 2, 5});
        ClassCounts b = ClassCounts.of(new int[]{9, 2});
        ClassCounts merged = a.merge(b);
        assertArrayEquals(new int[]{2, 5, 9}, merged.labels());
        assertEquals(2, merged.count(0));
        assertEquals(2, merged.count(1));
        assertEquals(1, merged.count(2));
        assertEquals(merged, b.merge(a));
        assertEquals(5, merged.rows());
    }

    @Test
    void statisticsSurviveSerialization() throws Exception {
        try (BlockSilhouette blocks = BlockSilhouette.builder().backend("reference").metric(Metric.COSINE).build()) {
            serializationKeepsTheStatistics(blocks);
        }
    }

    private static void serializationKeepsTheStatistics(BlockSilhouette blocks) throws Exception {
        RowBlock block = blocks(N).getFirst();
        ClassStatistics stats = blocks.statistics(block, blocks.shift(block));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(stats);
        }
        ClassStatistics copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (ClassStatistics) in.readObject();
        }
        assertEquals(blocks.silhouettes(stats, block, null), blocks.silhouettes(copy, block, null));
        assertEquals(stats.classes(), copy.classes());
    }

    @Test
    void rejectsInconsistentBlocks() {
        try (BlockSilhouette sq = BlockSilhouette.builder().backend("reference").metric(Metric.SQUARED_EUCLIDEAN)
                .build(); BlockSilhouette eu = BlockSilhouette.builder().backend("reference").build()) {
            rejectsInconsistentBlocks(sq, eu);
        }
    }

    private static void rejectsInconsistentBlocks(BlockSilhouette sq, BlockSilhouette eu) {
        RowBlock block = RowBlock.of(new float[]{0, 1, 2, 3}, new int[]{0, 1}, 2);
        ClassStatistics a = sq.statistics(block, new double[]{0, 0});
        ClassStatistics b = sq.statistics(block, new double[]{1, 0});
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.merge(b)), "shift");
        assertEquals(a.merge(a).squaredNorm(0), a.merge(b.centredOn(a.shift())).squaredNorm(0), 1e-12);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.centredOn(new double[3])), "d=2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.centredOn(new double[]{0, Double.NaN})),
                "index 1 is NaN");
        ClassStatistics wide = sq.statistics(RowBlock.of(new float[]{0, 1, 2}, new int[]{0}, 3), new double[3]);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.merge(wide)), "3 dimensions");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sq.statistics(block, new double[3])),
                "shift");
        RowBlock unknown = RowBlock.of(new float[]{0, 1}, new int[]{7}, 2);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sq.silhouettes(a, unknown, null)),
                "block.labels: index 0 is 7");
        RowBlock nan = RowBlock.of(new float[]{0, 1, Float.NaN, 3}, new int[]{0, 1}, 2);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> sq.silhouettes(a, nan, null)),
                "block.embeddings: row 1");
        assertThrows(IllegalStateException.class, () -> sq.addEuclideanSums(ClassCounts.of(new int[]{0, 1}), block,
                new double[4]));

        ClassCounts classes = ClassCounts.of(new int[]{0, 1});
        RowBlock other = RowBlock.of(new float[]{0, 1, 2}, new int[]{0}, 3);
        double[] sums = new double[4];
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> eu.addEuclideanSums(classes, block, other, sums, new double[2])), "columns: rows of 3");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> eu.addEuclideanSums(classes, block, block, sums, sums)), "columnSums");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> eu.addEuclideanSums(classes, block, new double[3])), "sums: buffer holds 3");
        assertTrue(Arrays.stream(sums).allMatch(v -> v == 0.0), "nothing written by rejected calls");
    }

    private static void assertMessage(Exception e, String fragment) {
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' should mention " + fragment);
    }
}
