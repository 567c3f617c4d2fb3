package dev.softsilhouette.cli;

import dev.softsilhouette.Reduction;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code silhouette supcon} (on whatever backend selection picks) matches the float64 reference SupCon called through
 * the API (SPEC sections 8 and 11), and refuses bad options with exit status 2.
 */
class SupConCommandTest {
    @TempDir
    static Path dir;
    private static TestData.Labelled data;
    private static Path x;
    private static Path y;

    @BeforeAll
    static void files() throws IOException {
        data = TestData.clusters(200, 12, 5, 16);
        x = TestData.writeEmbeddings(dir, "x.npy", data);
        y = TestData.writeLabels(dir, "y.npy", data.y());
    }

    @ParameterizedTest(name = "T {0} T_b {1} {2}")
    @CsvSource({"0.07,0.07,mean", "0.1,0.07,sum", "0.5,1.0,mean"})
    void lossAndGradientMatchTheReference(double temperature, double base, String reduction) throws IOException {
        Path grad = dir.resolve("g-" + temperature + "-" + base + "-" + reduction + ".npy");
        CliRunner.Result r = CliRunner.run("supcon", "--embeddings", x.toString(), "--labels", y.toString(),
                "--temperature", Double.toString(temperature), "--base-temperature", Double.toString(base),
                "--reduction", reduction, "--grad-out", grad.toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> json = MiniJson.parseObject(r.out());
        SupConLoss reference = SupConLoss.builder().temperature(temperature).baseTemperature(base)
                .reduction(Reduction.parse(reduction)).backend("reference").build();
        float[] expected = new float[data.n() * data.d()];
        double expectedLoss = reference.forwardBackward(data.x(), data.y(), data.d(), expected);
        double loss = (Double) json.get("loss");
        assertEquals(expectedLoss, loss, 1e-4 * Math.max(1, Math.abs(expectedLoss)));
        NpyArray g = Npy.read(grad);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            diff += (g.getDouble(i) - e) * (g.getDouble(i) - e);
            norm += e * e;
        }
        assertTrue(norm > 0, "the reference gradient is not zero");
        assertTrue(Math.sqrt(diff) <= 1e-3 * Math.sqrt(norm) + 1e-7,
                "||G - G_ref|| = " + Math.sqrt(diff) + ", ||G_ref|| = " + Math.sqrt(norm));
    }

    @Test
    void textOutputNamesTheLossAndBackend() {
        CliRunner.Result r = CliRunner.run("supcon", "--embeddings", x.toString(), "--labels", y.toString(),
                "--backend", "reference");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("loss      "), r.out());
        assertTrue(r.out().contains("(SupCon, temperature 0.07, base temperature 0.07, mean)"), r.out());
        assertTrue(r.out().contains("backend   reference"), r.out());
    }

    @Test
    void badTemperatureAndReductionAreUsageErrors() {
        CliRunner.Result zero = CliRunner.run("supcon", "--embeddings", x.toString(), "--labels", y.toString(),
                "--temperature", "0");
        assertEquals(2, zero.status(), zero.toString());
        assertTrue(zero.err().contains("--temperature must be > 0"), zero.err());
        CliRunner.Result none = CliRunner.run("supcon", "--embeddings", x.toString(), "--labels", y.toString(),
                "--reduction", "none");
        assertEquals(2, none.status(), none.toString());
        assertTrue(none.err().contains("--reduction must be mean or sum"), none.err());
    }
}
