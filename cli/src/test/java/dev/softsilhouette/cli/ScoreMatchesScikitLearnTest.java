package dev.softsilhouette.cli;

import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code silhouette score} on the bundled digits equals scikit-learn's silhouette_score within SPEC section 8's
 * 1e-4, for every metric and both input formats. The expected values were computed once by
 * src/test/python/generate_fixtures.py and committed.
 */
class ScoreMatchesScikitLearnTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static TestData.Labelled digits;
    private static Properties expected;
    private static Path npyX;
    private static Path npyY;

    @BeforeAll
    static void files() throws IOException {
        digits = TestData.digits();
        expected = TestData.properties("sklearn-digits-silhouette.properties");
        assertEquals(Integer.parseInt(expected.getProperty("rows")), digits.n());
        assertEquals(Integer.parseInt(expected.getProperty("columns")), digits.d());
        npyX = TestData.writeEmbeddings(dir, "digits.npy", digits);
        npyY = TestData.writeLabels(dir, "digits-labels.npy", digits.y());
    }

    private static double sklearn(String metric) {
        return Double.parseDouble(expected.getProperty(metric));
    }

    @ParameterizedTest
    @ValueSource(strings = {"euclidean", "sqeuclidean", "cosine"})
    void npyInputMatches(String metric) {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", npyX.toString(), "--labels", npyY.toString(),
                "--metric", metric, "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> json = MiniJson.parseObject(r.out());
        double score = (Double) json.get("score");
        assertEquals(sklearn(metric), score, TOLERANCE, metric);
        assertEquals(metric, json.get("metric"));
        assertEquals(1797.0, json.get("n"));
        assertEquals(64.0, json.get("d"));
        assertEquals(10.0, json.get("classes"));
    }

    @Test
    void csvAndFloat64AndInt64InputsMatchToo() throws IOException {
        Path csvX = TestData.writeCsv(dir, "digits.csv", digits);
        Path csvY = TestData.writeLabelsCsv(dir, "digits-labels.csv", digits.y());
        CliRunner.Result csv = CliRunner.run("score", "--embeddings", csvX.toString(), "--labels", csvY.toString(),
                "--metric", "cosine", "--json");
        assertEquals(0, csv.status(), csv.toString());
        assertEquals(sklearn("cosine"), (Double) MiniJson.parseObject(csv.out()).get("score"), TOLERANCE);

        double[] x64 = new double[digits.x().length];
        for (int i = 0; i < x64.length; i++) {
            x64[i] = digits.x()[i];
        }
        long[] y64 = new long[digits.n()];
        int[] y8 = new int[digits.n()];
        for (int i = 0; i < y64.length; i++) {
            y64[i] = digits.y()[i];
            y8[i] = digits.y()[i];
        }
        Path f8 = dir.resolve("digits-f8.npy");
        Npy.write(f8, NpyArray.ofFloat64(x64, digits.n(), digits.d()));
        Path i8 = dir.resolve("digits-i8.npy");
        Npy.write(i8, NpyArray.ofInt64(y64, digits.n()));
        Path u1 = dir.resolve("digits-u1.npy");
        Npy.write(u1, NpyArray.ofUint8(y8, digits.n()));
        for (Path labels : new Path[] {i8, u1}) {
            CliRunner.Result r = CliRunner.run("score", "--embeddings", f8.toString(), "--labels", labels.toString(),
                    "--metric", "sqeuclidean", "--json");
            assertEquals(0, r.status(), r.toString());
            assertEquals(sklearn("sqeuclidean"), (Double) MiniJson.parseObject(r.out()).get("score"), TOLERANCE);
        }
    }

    @Test
    void samplesOutMatchesSilhouetteSamples() throws IOException {
        Path out = dir.resolve("samples.npy");
        CliRunner.Result r = CliRunner.run("score", "--embeddings", npyX.toString(), "--labels", npyY.toString(),
                "--samples-out", out.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("score     0.16294"), r.out());
        NpyArray ours = Npy.read(out);
        NpyArray theirs = Npy.read(TestData.fixture(dir, "sklearn-digits-samples-euclidean.npy"));
        assertEquals("float32", ours.type().numpyName());
        assertArrayEquals(theirs.shape(), ours.shape());
        for (int i = 0; i < digits.n(); i++) {
            assertEquals(theirs.getDouble(i), ours.getDouble(i), TOLERANCE, "sample " + i);
        }
    }

    @Test
    void repeatReportsTheMedianOfThatManyRuns() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", npyX.toString(), "--labels", npyY.toString(),
                "--metric", "sqeuclidean", "--repeat", "3", "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> json = MiniJson.parseObject(r.out());
        assertEquals(3.0, json.get("repeat"));
        assertTrue((Double) json.get("seconds") > 0);
        assertEquals(sklearn("sqeuclidean"), (Double) json.get("score"), TOLERANCE);
    }
}
