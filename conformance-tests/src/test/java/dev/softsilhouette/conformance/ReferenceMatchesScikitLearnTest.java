package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Check (c) of SPEC section 8: the reference backend's score and samples against scikit-learn 1.2.1's
 * {@code silhouette_score} and {@code silhouette_samples}, on the digits data set and on synthetic sets with
 * singletons and sparse labels ({@code src/test/python/make_sklearn_fixtures.py} wrote the fixtures).
 *
 * <p>Tolerance 1e-6: both compute in float64 on the same float32 inputs (differences ~1e-12, sklearn's expanded
 * Euclidean form included); the samples come back as float32, whose rounding of s in [-1, 1] is at most 2^-25.
 */
class ReferenceMatchesScikitLearnTest {
    private static final double TOLERANCE = 1e-6;
    private static final String[] SETS = {"digits", "sparse-singletons", "tiny-singletons", "ten-classes",
            "one-dimension"};

    @TestFactory
    List<DynamicTest> referenceMatchesScikitLearn() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String set : SETS) {
            for (Metric metric : Metric.values()) {
                String name = set + "-" + metric.externalName();
                tests.add(DynamicTest.dynamicTest(name, () -> check(name, metric)));
            }
        }
        return tests;
    }

    private static void check(String name, Metric metric) throws IOException {
        Fixture f = Fixture.read(name, metric);
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").metric(metric).build();
        if (!Double.isNaN(f.score)) {
            assertEquals(f.score, loss.score(Floats.of(f.x), Ints.of(f.labels), f.n, f.d), TOLERANCE, name + " score");
        }
        float[] samples = new float[f.n];
        loss.samples(Floats.of(f.x), Ints.of(f.labels), f.n, f.d, Floats.of(samples));
        for (int i = 0; i < f.n; i++) {
            assertEquals(f.samples[i], samples[i], TOLERANCE, name + " s[" + i + "]");
        }
    }

    private record Fixture(int n, int d, int[] labels, float[] x, double score, double[] samples) {

        static Fixture read(String name, Metric metric) throws IOException {
            List<String> lines = lines("sklearn/" + name + ".txt", false);
            int at = 0;
            String[] shape = lines.get(at++).split(" ");
            int n = Integer.parseInt(shape[0]);
            int d = Integer.parseInt(shape[1]);
            assertEquals("metric " + metric.externalName(), lines.get(at++));
            assertEquals("labels", lines.get(at++));
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = Integer.parseInt(lines.get(at++));
            }
            float[] x = new float[n * d];
            if (lines.get(at).equals("x")) {
                at++;
                for (int i = 0; i < n; i++) {
                    String[] row = lines.get(at++).split(" ");
                    for (int t = 0; t < d; t++) {
                        x[i * d + t] = Float.parseFloat(row[t]);
                    }
                }
            } else {
                x = digits(n, d);
            }
            double score = Double.NaN;
            if (lines.get(at).startsWith("score ")) {
                score = Double.parseDouble(lines.get(at++).substring(6));
            }
            assertEquals("samples", lines.get(at++));
            double[] samples = new double[n];
            for (int i = 0; i < n; i++) {
                samples[i] = Double.parseDouble(lines.get(at++));
            }
            return new Fixture(n, d, labels, x, score, samples);
        }

        /** The digits rows (the fixture carries the labels; the last column of the CSV is the same class). */
        private static float[] digits(int n, int d) throws IOException {
            List<String> rows = lines("digits.csv.gz", true);
            assertEquals(n, rows.size());
            float[] x = new float[n * d];
            for (int i = 0; i < n; i++) {
                String[] values = rows.get(i).split(",");
                assertEquals(d + 1, values.length);
                for (int t = 0; t < d; t++) {
                    x[i * d + t] = Float.parseFloat(values[t]);
                }
            }
            return x;
        }

        private static List<String> lines(String resource, boolean gzip) throws IOException {
            InputStream in = ReferenceMatchesScikitLearnTest.class.getResourceAsStream("/" + resource);
            assertNotNull(in, "missing test resource " + resource);
            try (BufferedReader r = new BufferedReader(new InputStreamReader(gzip ? new GZIPInputStream(in) : in,
                    StandardCharsets.UTF_8))) {
                List<String> out = new ArrayList<>();
                for (String line; (line = r.readLine()) != null; ) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        out.add(line);
                    }
                }
                return out;
            }
        }
    }
}
