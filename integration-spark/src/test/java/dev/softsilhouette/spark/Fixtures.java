package dev.softsilhouette.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

/**
 * The committed fixtures: iris (src/test/resources, as Spark's own suite has it), the digits of the datasets module,
 * and scikit-learn's scores of both (src/test/python/generate_fixtures.py).
 */
final class Fixtures {
    private Fixtures() {
    }

    record Data(double[][] features, int[] labels) {
    }

    static Data iris() {
        return csv(Fixtures.class.getResourceAsStream("iris.csv"), false);
    }

    static Data digits() {
        return csv(ClassLoader.getSystemResourceAsStream("dev/softsilhouette/datasets/digits.csv.gz"), true);
    }

    /** scikit-learn's silhouette_score, e.g. {@code sklearn("iris", "euclidean")}. */
    static double sklearn(String data, String metric) {
        Properties p = new Properties();
        try (InputStream in = Fixtures.class.getResourceAsStream("sklearn-silhouette.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Double.parseDouble(p.getProperty(data + "." + metric));
    }

    private static Data csv(InputStream resource, boolean gzip) {
        if (resource == null) {
            throw new IllegalStateException("fixture missing from the test class path");
        }
        List<double[]> rows = new ArrayList<>();
        try (InputStream in = gzip ? new GZIPInputStream(resource) : resource;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[cells.length];
                for (int t = 0; t < cells.length; t++) {
                    row[t] = Double.parseDouble(cells[t]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double[][] x = new double[rows.size()][];
        int[] y = new int[rows.size()];
        for (int i = 0; i < x.length; i++) {
            double[] row = rows.get(i);
            x[i] = java.util.Arrays.copyOf(row, row.length - 1);
            y[i] = (int) row[row.length - 1];
        }
        return new Data(x, y);
    }
}
