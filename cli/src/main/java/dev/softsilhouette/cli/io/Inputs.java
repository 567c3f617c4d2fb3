package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

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

    /** Labels: an integer .npy (int8 to int64, uint8 to uint32) of shape (n,) or (n, 1), or a CSV with one integer per line. */
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
        if (a.type() == NpyType.FLOAT32) {
            // One bulk copy (byte order included) and a plain loop: the command line's one read of its input runs in
            // the interpreter, where a call per element costs several times more.
            a.data().asFloatBuffer().get(values);
            for (int i = 0; i < values.length; i++) {
                if (!Float.isFinite(values[i])) {
                    checkFiniteFloat(file, values[i], i / d, i % d);
                }
            }
            return new Matrix(values, n, d);
        }
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
        if (!a.type().isInteger()) {
            throw new UsageException(file + ": labels must be integers (int8 to int64, uint8 to uint32), this array "
                    + "is " + a.type().numpyName());
        }
        // A column (n, 1) is what many pipelines save (y.reshape(-1, 1)): read it as the n labels it holds.
        boolean column = a.rank() == 2 && a.shape()[1] == 1;
        if (a.rank() != 1 && !column) {
            throw new UsageException(file + ": labels must be a 1-D array (n,) or a column (n, 1), this one has "
                    + "shape " + a.shapeString());
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

    /**
     * A UTF-8 text reader, through gzip for {@code .gz}. A UTF-8 byte-order mark is skipped; a UTF-16 or UTF-32 one
     * is refused; bytes that are not UTF-8 end the read with an error (see {@link #describe}).
     */
    static BufferedReader openText(Path file) {
        requireRegularFile(file);
        InputStream in = null;
        try {
            in = Files.newInputStream(file);
            if (file.toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            in = new BufferedInputStream(in, 1 << 16);
            skipUtf8ByteOrderMark(in, file);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        } catch (IOException e) {
            closeQuietly(in);
            throw new UsageException(file + ": cannot read: " + describe(e));
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    private static void skipUtf8ByteOrderMark(InputStream in, Path file) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(3);
        boolean utf8 = head.length == 3 && (head[0] & 0xff) == 0xEF && (head[1] & 0xff) == 0xBB
                && (head[2] & 0xff) == 0xBF;
        boolean utf16 = head.length >= 2 && ((head[0] & 0xff) == 0xFE && (head[1] & 0xff) == 0xFF
                || (head[0] & 0xff) == 0xFF && (head[1] & 0xff) == 0xFE);
        if (utf16) {
            throw new UsageException(file + ": the text starts with a UTF-16 or UTF-32 byte-order mark; save it as "
                    + "UTF-8 (or ASCII)");
        }
        if (!utf8) {
            in.reset();
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // the open failed already; that error is the one to report
            }
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

    /**
     * Text taken from a file, fit for a one-line message: at most 40 characters, control and other invisible
     * characters (line breaks, NUL, byte-order marks) written as {@code \\uXXXX}.
     */
    static String shown(String s) {
        return shown(s, 40);
    }

    /** {@link #shown(String)} with at most {@code limit} characters. */
    static String shown(String s, int limit) {
        String cut = s.length() <= limit ? s : s.substring(0, limit - 3) + "...";
        StringBuilder sb = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            int type = Character.getType(c);
            if (Character.isISOControl(c) || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.FORMAT || type == Character.SURROGATE || type == Character.UNASSIGNED) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof CharacterCodingException) {
            return "the text is not UTF-8 (a malformed byte sequence)";
        }
        if (e instanceof EOFException) {
            return "the gzip stream is truncated (unexpected end of the compressed data)";
        }
        if (e instanceof ZipException) {
            return "not a valid gzip stream (" + shown(String.valueOf(e.getMessage()), 200) + ")";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : shown(e.getMessage(), 200);
    }
}
