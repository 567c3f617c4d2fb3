package dev.softsilhouette.cli;

import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code silhouette loss --grad-out} (on whatever backend selection picks) matches the float64 reference backend
 * called through the API, within SPEC section 8: loss to 1e-4 relative, gradient to 1e-3 relative Frobenius norm.
 */
class LossGradientMatchesReferenceTest {
    @TempDir
    static Path dir;
    private static TestData.Labelled data;
    private static Path x;
    private static Path y;

    @BeforeAll
    static void files() throws IOException {
        data = TestData.clusters(240, 16, 6, 42);
        x = TestData.writeEmbeddings(dir, "x.npy", data);
        y = TestData.writeLabels(dir, "y.npy", data.y());
    }

    @ParameterizedTest(name = "{0} tau {1} {2}")
    @CsvSource({"euclidean,0.1,mean", "euclidean,0.5,sum", "sqeuclidean,0.1,mean", "sqeuclidean,2,sum",
            "cosine,0.1,mean", "cosine,0.05,sum"})
    void gradientFileMatchesReference(String metric, double tau, String reduction) throws IOException {
        Path grad = dir.resolve("grad-" + metric + "-" + tau + "-" + reduction + ".npy");
        CliRunner.Result r = CliRunner.run("loss", "--embeddings", x.toString(), "--labels", y.toString(),
                "--metric", metric, "--tau", Double.toString(tau), "--reduction", reduction, "--grad-out",
                grad.toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        Map<String, Object> json = MiniJson.parseObject(r.out());

        SoftSilhouetteLoss reference = SoftSilhouetteLoss.builder().metric(Metric.parse(metric)).temperature(tau)
                .reduction(Reduction.parse(reduction)).backend("reference").build();
        float[] expected = new float[data.n() * data.d()];
        double expectedLoss = reference.forwardBackward(data.x(), data.y(), data.d(), expected);

        double loss = (Double) json.get("loss");
        assertEquals(expectedLoss, loss, 1e-4 * Math.max(1, Math.abs(expectedLoss)));
        assertEquals(tau, (Double) json.get("tau"));

        NpyArray g = Npy.read(grad);
        assertEquals("float32", g.type().numpyName());
        assertArrayEquals(new long[] {data.n(), data.d()}, g.shape());
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
    void textOutputNamesLossBackendAndGradientFile() {
        Path grad = dir.resolve("g.npy");
        CliRunner.Result r = CliRunner.run("loss", "--embeddings", x.toString(), "--labels", y.toString(),
                "--backend", "reference", "--grad-out", grad.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("loss      "), r.out());
        assertTrue(r.out().contains("backend   reference"), r.out());
        assertTrue(r.out().contains("gradient  " + grad + "  (dL/dX, float32 .npy, shape (240, 16))"), r.out());
    }
}
