package dev.softsilhouette.datasets;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * The data sets the demos and examples train on: the bundled UCI digits, and Fashion-MNIST from its IDX files.
 * Problems with a user's files are {@link IllegalArgumentException}s whose message names the file.
 */
public final class Datasets {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the IDX files. */
    public static final Path DEBIAN_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Fixed seed of the digits train/test split: every run and every seed evaluates on the same test rows. */
    public static final long SPLIT_SEED = 20260428L;
    public static final double DIGITS_TEST_FRACTION = 0.3;

    private static final String DIGITS_RESOURCE = "digits.csv.gz";
    private static final String[] FASHION_CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private Datasets() {
    }

    /**
     * The UCI optical digits (Alpaydin and Kaynak; CC BY 4.0), 1797 images of 8x8 pixels with values 0..16, as
     * shipped with scikit-learn; split 70/30 per class with a fixed seed.
     */
    public static Dataset digits() {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (InputStream raw = Datasets.class.getResourceAsStream(DIGITS_RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("the bundled resource " + DIGITS_RESOURCE + " is missing");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(",");
                float[] x = new float[f.length - 1];
                for (int i = 0; i < x.length; i++) {
                    x[i] = Float.parseFloat(f[i]) / 16f;
                }
                rows.add(x);
                labels.add(Integer.parseInt(f[f.length - 1].strip()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled digits: " + e, e);
        }
        int n = rows.size();
        int d = rows.getFirst().length;
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        boolean[] test = stratifiedTestMask(y, 10, DIGITS_TEST_FRACTION, new Random(SPLIT_SEED));
        int nTest = 0;
        for (boolean t : test) {
            nTest += t ? 1 : 0;
        }
        float[] trainX = new float[(n - nTest) * d];
        int[] trainY = new int[n - nTest];
        float[] testX = new float[nTest * d];
        int[] testY = new int[nTest];
        int tr = 0;
        int te = 0;
        for (int i = 0; i < n; i++) {
            if (test[i]) {
                System.arraycopy(rows.get(i), 0, testX, te * d, d);
                testY[te++] = y[i];
            } else {
                System.arraycopy(rows.get(i), 0, trainX, tr * d, d);
                trainY[tr++] = y[i];
            }
        }
        String[] names = new String[10];
        for (int c = 0; c < 10; c++) {
            names[c] = Integer.toString(c);
        }
        return new Dataset("digits", "UCI optical digits (8x8, 10 classes, CC BY 4.0), stratified split " + tr
                + " train / " + te + " test", d, names, trainX, trainY, testX, testY);
    }

    /** Per class, {@code round(fraction * n_c)} rows drawn at random go to the test set. */
    static boolean[] stratifiedTestMask(int[] y, int classes, double fraction, Random random) {
        boolean[] test = new boolean[y.length];
        for (int c = 0; c < classes; c++) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < y.length; i++) {
                if (y[i] == c) {
                    members.add(i);
                }
            }
            java.util.Collections.shuffle(members, random);
            long take = Math.round(fraction * members.size());
            for (int k = 0; k < take; k++) {
                test[members.get(k)] = true;
            }
        }
        return test;
    }

    /** Fashion-MNIST (Zalando; MIT licence): the official 60000/10000 split from the four IDX files in {@code dir}. */
    public static Dataset fashionMnist(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("Fashion-MNIST directory " + dir + " does not exist; install Debian's "
                    + "dataset-fashion-mnist package (apt-get install dataset-fashion-mnist) or pass --data-dir");
        }
        Images train = images(find(dir, "train-images-idx3-ubyte"));
        int[] trainY = idxLabels(find(dir, "train-labels-idx1-ubyte"));
        Images test = images(find(dir, "t10k-images-idx3-ubyte"));
        int[] testY = idxLabels(find(dir, "t10k-labels-idx1-ubyte"));
        if (train.count() != trainY.length || test.count() != testY.length || train.features() != test.features()) {
            throw new IllegalArgumentException(dir + ": the image and label counts of the IDX files differ");
        }
        return new Dataset("fashion-mnist", "Fashion-MNIST (28x28, 10 classes, MIT licence), official split "
                + trainY.length + " train / " + testY.length + " test", train.features(), FASHION_CLASSES.clone(),
                train.pixels(), trainY, test.pixels(), testY);
    }

    private static Path find(Path dir, String base) {
        for (String name : new String[] {base, base + ".gz", base.replace("-idx", ".idx"),
                base.replace("-idx", ".idx") + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException(dir + " has no " + base + " (or " + base + ".gz); install Debian's "
                + "dataset-fashion-mnist package or pass --data-dir with the four Fashion-MNIST IDX files");
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
    }

    /** Images of an IDX file, each row the pixels scaled to [0, 1]. */
    private record Images(int count, int features, float[] pixels) {
    }

    private static Images images(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IllegalArgumentException(file + ": not an IDX image file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x803)");
            }
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            int d = rows * cols;
            byte[] bytes = new byte[Math.multiplyExact(n, d)];
            in.readFully(bytes);
            float[] x = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                x[i] = Byte.toUnsignedInt(bytes[i]) / 255f;
            }
            return new Images(n, d, x);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated IDX file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static int[] idxLabels(Path file) {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IllegalArgumentException(file + ": not an IDX label file (magic 0x"
                        + Integer.toHexString(magic) + ", expected 0x801)");
            }
            int n = in.readInt();
            byte[] bytes = new byte[n];
            in.readFully(bytes);
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = Byte.toUnsignedInt(bytes[i]);
                if (y[i] >= FASHION_CLASSES.length) {
                    throw new IllegalArgumentException(file + ": label " + y[i] + " at index " + i
                            + " is not a Fashion-MNIST class (0..9)");
                }
            }
            return y;
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + ": truncated IDX file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
        }
    }
}
