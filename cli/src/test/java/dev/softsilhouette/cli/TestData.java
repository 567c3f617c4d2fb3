package dev.softsilhouette.cli;

import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.cli.io.NpyArray;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Inputs for the tests: the bundled digits (unscaled, as scikit-learn saw them, read whole from the datasets module's
 * resource, without the demo's train/test split) and synthetic clusters.
 */
final class TestData {
    private TestData() {
    }

    record Labelled(float[] x, int[] y, int n, int d) {
    }

    static Labelled digits() throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (InputStream raw = Datasets.class.getResourceAsStream("digits.csv.gz");
             BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                     StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                float[] r = new float[f.length - 1];
                for (int i = 0; i < r.length; i++) {
                    r[i] = Float.parseFloat(f[i]);
                }
                rows.add(r);
                labels.add(Integer.parseInt(f[f.length - 1]));
            }
        }
        int n = rows.size();
        int d = rows.getFirst().length;
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, x, i * d, d);
        }
        return new Labelled(x, labels.stream().mapToInt(Integer::intValue).toArray(), n, d);
    }

    /** {@code classes} Gaussian clusters with unit spread around centres 3 apart, labels not contiguous. */
    static Labelled clusters(int n, int d, int classes, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[classes][d];
        for (float[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = (float) (3 * r.nextGaussian());
            }
        }
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % classes;
            y[i] = 7 * k + 1;
            for (int t = 0; t < d; t++) {
                x[i * d + t] = centres[k][t] + (float) r.nextGaussian();
            }
        }
        return new Labelled(x, y, n, d);
    }

    static Path writeEmbeddings(Path dir, String name, Labelled data) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofFloat32(data.x(), data.n(), data.d()));
        return p;
    }

    static Path writeLabels(Path dir, String name, int[] y) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, NpyArray.ofInt32(y, y.length));
        return p;
    }

    static Path writeCsv(Path dir, String name, Labelled data) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < data.n(); i++) {
            for (int t = 0; t < data.d(); t++) {
                sb.append(t == 0 ? "" : ",").append(data.x()[i * data.d() + t]);
            }
            sb.append('\n');
        }
        return Files.writeString(dir.resolve(name), sb);
    }

    static Path writeLabelsCsv(Path dir, String name, int[] y) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int v : y) {
            sb.append(v).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb);
    }

    /** A committed fixture from src/test/resources/dev/softsilhouette/cli, copied to {@code dir}. */
    static Path fixture(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = TestData.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing fixture " + name);
            }
            Files.copy(in, p);
        }
        return p;
    }

    static Properties properties(String name) throws IOException {
        Properties p = new Properties();
        try (InputStream in = TestData.class.getResourceAsStream(name)) {
            p.load(in);
        }
        return p;
    }
}
