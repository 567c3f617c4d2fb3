package dev.softsilhouette.cli;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.Metric;
import dev.softsilhouette.cli.io.MappedEmbeddings;
import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code silhouette score} streamed block by block from a memory-mapped {@code .npy} ({@code --block-rows}) equals
 * the in-memory score of the float64 reference to 1e-6 (SPEC section 12), score and every sample, for every metric
 * and block sizes that do and do not divide N; float64 files are converted block by block.
 */
class StreamedScoreTest {
    private static final double BLOCKWISE = 1e-6;

    @TempDir
    static Path dir;
    private static Path x;
    private static Path y;

    @BeforeAll
    static void files() throws IOException {
        TestData.Labelled digits = TestData.digits();
        x = TestData.writeEmbeddings(dir, "digits.npy", digits);
        y = TestData.writeLabels(dir, "digits-labels.npy", digits.y());
    }

    private static Map<String, Object> score(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.status(), r.toString());
        return MiniJson.parseObject(r.out());
    }

    @ParameterizedTest
    @CsvSource({"euclidean,100", "euclidean,1797", "sqeuclidean,1", "sqeuclidean,256", "cosine,7", "cosine,4096"})
    void streamedEqualsInMemoryReference(String metric, int blockRows) throws IOException {
        Path inMemorySamples = dir.resolve("in-memory-" + metric + ".npy");
        Path streamedSamples = dir.resolve("streamed-" + metric + "-" + blockRows + ".npy");
        Map<String, Object> inMemory = score("score", "--embeddings", x.toString(), "--labels", y.toString(),
                "--metric", metric, "--backend", "reference", "--samples-out", inMemorySamples.toString(), "--json");
        Map<String, Object> streamed = score("score", "--embeddings", x.toString(), "--labels", y.toString(),
                "--metric", metric, "--block-rows", String.valueOf(blockRows), "--samples-out",
                streamedSamples.toString(), "--json");
        assertEquals(Boolean.TRUE, streamed.get("streamed"));
        assertEquals((double) ((1797 + blockRows - 1) / blockRows), streamed.get("blocks"));
        assertEquals((Double) inMemory.get("score"), (Double) streamed.get("score"), BLOCKWISE, metric);
        NpyArray expected = Npy.read(inMemorySamples);
        NpyArray actual = Npy.read(streamedSamples);
        for (int i = 0; i < 1797; i++) {
            assertEquals(expected.getDouble(i), actual.getDouble(i), BLOCKWISE, metric + " sample " + i);
        }
    }

    @Test
    void float64FilesAreConvertedBlockByBlock() throws IOException {
        NpyArray f4 = Npy.read(x);
        double[] values = new double[(int) f4.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = f4.getDouble(i);
        }
        Path f8 = dir.resolve("digits-f8.npy");
        Npy.write(f8, NpyArray.ofFloat64(values, 1797, 64));
        Map<String, Object> fromFloat32 = score("score", "--embeddings", x.toString(), "--labels", y.toString(),
                "--metric", "cosine", "--block-rows", "300", "--json");
        Map<String, Object> fromFloat64 = score("score", "--embeddings", f8.toString(), "--labels", y.toString(),
                "--metric", "cosine", "--block-rows", "300", "--json");
        assertEquals(fromFloat32.get("score"), fromFloat64.get("score"), "the same float32 values, the same bits");
    }

    @Test
    void aNonFiniteValueIsReportedWithItsRowInTheWholeFile() throws IOException {
        TestData.Labelled data = TestData.clusters(50, 3, 2, 5);
        float[] values = data.x().clone();
        values[41 * 3 + 1] = Float.POSITIVE_INFINITY;
        Path bad = dir.resolve("infinite.npy");
        Npy.write(bad, NpyArray.ofFloat32(values, 50, 3));
        Path labels = TestData.writeLabels(dir, "clusters.npy", data.y());
        CliRunner.Result r = CliRunner.run("score", "--embeddings", bad.toString(), "--labels", labels.toString(),
                "--block-rows", "16");
        assertEquals(SilhouetteCli.USAGE, r.status(), r.toString());
        assertTrue(r.err().contains(bad + ": row 41 column 1 is Infinity"), r.err());
    }

    @Test
    void repeatIsForInMemoryRuns() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x.toString(), "--labels", y.toString(),
                "--block-rows", "500", "--repeat", "2");
        assertEquals(SilhouetteCli.USAGE, r.status(), r.toString());
        assertTrue(r.err().contains("--repeat"), r.err());
    }

    /**
     * With a heap too small for every row's sums the EUCLIDEAN plan holds one stripe of rows at a time: the same
     * score and samples as the symmetric plan (to rounding: the sums add in another order), the progress bar counting
     * every (stripe block, block) tile.
     */
    @Test
    void theStripedEuclideanPlanEqualsTheSymmetricOne() {
        int[] labels = dev.softsilhouette.cli.io.Inputs.labelsMapped(y);
        ClassCounts classes = ClassCounts.of(labels);
        long allSums = (long) labels.length * classes.classCount() * Double.BYTES;
        try (MappedEmbeddings embeddings = MappedEmbeddings.open(x);
             BlockSilhouette blocks = BlockSilhouette.builder().metric(Metric.EUCLIDEAN).build()) {
            StreamedScore symmetric = new StreamedScore(blocks, embeddings, labels, classes, 100, allSums);
            StreamedScore striped = new StreamedScore(blocks, embeddings, labels, classes, 100, allSums / 4);
            assertEquals(1, symmetric.stripes());
            assertEquals(4, striped.stripes(), "18 blocks in stripes of 5, 5, 5 and 3");
            assertEquals(18L * 18, striped.units());
            float[] expected = new float[labels.length];
            float[] actual = new float[labels.length];
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            double a = symmetric.run(2, new Progress(quiet, false, "score", symmetric.units()), expected).score();
            double b = striped.run(3, new Progress(quiet, false, "score", striped.units()), actual).score();
            assertEquals(a, b, 1e-12);
            for (int i = 0; i < labels.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6, "sample " + i);
            }
        }
    }

    @Test
    void roundsHoldEveryPairOnceAndNoBlockTwiceInARound() {
        for (int blocks = 1; blocks <= 9; blocks++) {
            Set<Long> seen = new HashSet<>();
            List<int[][]> rounds = StreamedScore.rounds(blocks);
            for (int[][] round : rounds) {
                Set<Integer> inRound = new HashSet<>();
                for (int[] pair : round) {
                    assertTrue(pair[0] <= pair[1], "pairs are (i, j) with i <= j");
                    assertTrue(inRound.add(pair[0]) && (pair[0] == pair[1] || inRound.add(pair[1])),
                            blocks + " blocks: a block twice in one round");
                    assertTrue(seen.add((long) pair[0] * blocks + pair[1]), blocks + " blocks: a pair twice");
                }
            }
            assertEquals(blocks * (blocks + 1) / 2, seen.size(), blocks + " blocks: every pair");
        }
    }
}
