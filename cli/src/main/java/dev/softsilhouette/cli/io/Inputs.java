package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Loads the CLI's inputs: embeddings (a 2-D float matrix) and labels (a 1-D integer vector) from {@code .npy} or
 * {@code .csv} (optionally gzip-compressed, {@code .csv.gz}). Every problem is a {@link UsageException} naming the
 * file and, where there is one, the row.
 */
public final class Inputs {
    private Inputs() {
    }

    /** Embeddings: float32 or float64 .npy of shape (n, d), or a CSV with one row of d numbers per line. */
    public static Matrix embeddings(Path file) {
        Matrix m = switch (formatOf(file)) {
            case NPY -> embeddingsFromNpy(file, Npy.read(file));
            case CSV -> CsvFiles.readMatrix(file);
        };
        if (m.rows() == 0 || m.cols() == 0) {
            throw new UsageException(file + ": holds no data (" + m.rows() + " rows x " + m.cols() + " columns)");
        }
        return m;
    }

    /** Labels: int32, int64 or uint8 .npy of shape (n,), or a CSV with one integer per line. */
    public static int[] labels(Path file) {
        int[] labels = switch (formatOf(file)) {
            case NPY -> labelsFromNpy(file, Npy.read(file));
            case CSV -> CsvFiles.readLabels(file);
        };
        if (labels.length == 0) {
            throw new UsageException(file + ": holds no labels");
        }
        return labels;
    }

    /**
     * Labels as {@link #labels}, but a {@code .npy} is memory-mapped rather than read into a byte array first (for
     * label files of many millions of rows).
     */
    public static int[] labelsMapped(Path file) {
        if (formatOf(file) != Format.NPY) {
            return labels(file);
        }
        int[] labels;
        try (MappedNpy npy = MappedNpy.open(file)) {
            labels = labelsFromNpy(file, npy.asArray());
        }
        if (labels.length == 0) {
            throw new UsageException(file + ": holds no labels");
        }
        return labels;
    }

    private static Matrix embeddingsFromNpy(Path file, NpyArray a) {
        long[] shape = checkEmbeddingArray(file, a.type(), a.shape());
        if (shape[0] * shape[1] > Integer.MAX_VALUE - 8) {
            throw new UsageException(file + ": shape " + a.shapeString() + " is too large (more than 2^31 values)");
        }
        int n = (int) shape[0];
        int d = (int) shape[1];
        float[] values = new float[n * d];
        for (int i = 0; i < values.length; i++) {
            double v = a.getDouble(i);
            checkFiniteFloat(file, v, i / d, i % d);
            values[i] = (float) v;
        }
        return new Matrix(values, n, d);
    }

    /** Embeddings are a 2-D float32 or float64 array; returns the shape. */
    static long[] checkEmbeddingArray(Path file, NpyType type, long[] shape) {
        if (type != NpyType.FLOAT32 && type != NpyType.FLOAT64) {
            throw new UsageException(file + ": embeddings must be float32 or float64, this array is "
                    + type.numpyName());
        }
        if (shape.length != 2) {
            throw new UsageException(file + ": embeddings must be a 2-D array (n, d), this one has shape "
                    + NpyArray.shapeString(shape));
        }
        if (shape[0] == 0 || shape[1] == 0) {
            throw new UsageException(file + ": holds no data (" + shape[0] + " rows x " + shape[1] + " columns)");
        }
        return shape;
    }

    /** A value read from an embeddings file must be a finite float32. */
    static void checkFiniteFloat(Path file, double v, long row, int column) {
        if (!Float.isFinite((float) v)) {
            throw new UsageException(file + ": row " + row + " column " + column + " is " + v
                    + (Double.isFinite(v) ? ", beyond the float32 range" : "") + "; every value must be finite");
        }
    }

    private static int[] labelsFromNpy(Path file, NpyArray a) {
        if (a.type() != NpyType.INT32 && a.type() != NpyType.INT64 && a.type() != NpyType.UINT8) {
            throw new UsageException(file + ": labels must be int32, int64 or uint8, this array is "
                    + a.type().numpyName());
        }
        if (a.rank() != 1) {
            throw new UsageException(file + ": labels must be a 1-D array (n,), this one has shape "
                    + a.shapeString());
        }
        long n = a.size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UsageException(file + ": too many labels (" + n + ")");
        }
        int[] labels = new int[(int) n];
        for (int i = 0; i < labels.length; i++) {
            long v = a.getLong(i);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new UsageException(file + ": label at index " + i + " is " + v
                        + "; labels must be integers in 0.." + Integer.MAX_VALUE);
            }
            labels[i] = (int) v;
        }
        return labels;
    }

    enum Format { NPY, CSV }

    static Format formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".npy")) {
            return Format.NPY;
        }
        if (name.endsWith(".csv") || name.endsWith(".csv.gz") || name.endsWith(".txt")) {
            return Format.CSV;
        }
        throw new UsageException(file + ": unknown file type; use .npy or .csv (.csv.gz)");
    }

    static byte[] readAll(Path file) {
        requireRegularFile(file);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + describe(e));
        }
    }

    static BufferedReader openText(Path file) {
        requireRegularFile(file);
        try {
            InputStream in = Files.newInputStream(file);
            if (file.toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + describe(e));
        }
    }

    static void requireRegularFile(Path file) {
        if (!Files.exists(file)) {
            throw new UsageException(file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException(file + ": is a directory, not a file");
        }
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
