package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the CLI's float outputs (per-sample values, gradients) in the format their file name asks for: {@code .npy}
 * (float32, C order) or text ({@code .csv}, {@code .csv.gz}, {@code .txt}: one row per line, comma-separated, each
 * value printed with the shortest digits that read back to the same float). A target is checked before any work, so
 * a long run never fails at its end on a name it could have refused at the start.
 */
public final class Outputs {
    private Outputs() {
    }

    /**
     * The target of {@code --option}, checked: a known extension, not a directory, in a directory that exists.
     *
     * @return {@code file}, or {@code null} when the option was not given
     */
    public static Path checkedTarget(Path file, String option) {
        if (file == null) {
            return null;
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npy") && !isText(name)) {
            throw new UsageException("--" + option + " " + file + ": unknown output type; name it .npy (float32) or "
                    + ".csv (text, also .csv.gz)");
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--" + option + " " + file + ": is a directory");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UsageException("--" + option + " " + file + ": the directory " + parent + " does not exist");
        }
        return file;
    }

    /** Writes {@code values}, {@code rows x cols} row-major ({@code cols = 0}: a vector of {@code rows} values). */
    public static void writeFloats(Path file, float[] values, int rows, int cols) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (isText(name)) {
                writeText(file, values, rows, Math.max(cols, 1), name.endsWith(".gz"));
            } else {
                Npy.write(file, cols == 0 ? NpyArray.ofFloat32(values, rows) : NpyArray.ofFloat32(values, rows, cols));
            }
        } catch (IOException e) {
            throw new UsageException(file + ": cannot write: " + Inputs.describe(e));
        }
    }

    /** What the file will hold, for the command's summary line: "float32 .npy" or "text". */
    public static String formatName(Path file) {
        return isText(file.getFileName().toString().toLowerCase(Locale.ROOT)) ? "text" : "float32 .npy";
    }

    private static boolean isText(String lowerCaseName) {
        return lowerCaseName.endsWith(".csv") || lowerCaseName.endsWith(".csv.gz") || lowerCaseName.endsWith(".txt");
    }

    private static void writeText(Path file, float[] values, int rows, int cols, boolean gzip) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
            StringBuilder line = new StringBuilder();
            for (int r = 0; r < rows; r++) {
                line.setLength(0);
                for (int c = 0; c < cols; c++) {
                    if (c > 0) {
                        line.append(',');
                    }
                    line.append(Float.toString(values[r * cols + c]));
                }
                w.write(line.toString());
                w.newLine();
            }
        }
    }
}
