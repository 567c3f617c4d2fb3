package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Plain CSV: embeddings one row per line (comma-separated numbers, every line the same count), labels one integer
 * per line. Blank lines are skipped; there is no header. Errors name the file and the 1-based line.
 */
final class CsvFiles {
    private CsvFiles() {
    }

    static Matrix readMatrix(Path file) {
        float[] values = new float[1024];
        int size = 0;
        int rows = 0;
        int cols = -1;
        int firstLine = 0;
        try (BufferedReader in = Inputs.openText(file)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = line.split(",", -1);
                if (cols < 0) {
                    cols = fields.length;
                    firstLine = lineNo;
                } else if (fields.length != cols) {
                    throw new UsageException(file + ": line " + lineNo + " has " + fields.length + " values, line "
                            + firstLine + " has " + cols);
                }
                if (size + cols > values.length) {
                    long grown = Math.max((long) values.length * 2, (long) size + cols);
                    if (grown > Integer.MAX_VALUE - 8) {
                        throw new UsageException(file + ": too many values (more than 2^31)");
                    }
                    values = Arrays.copyOf(values, (int) grown);
                }
                for (int c = 0; c < cols; c++) {
                    values[size++] = parseFloat(fields[c], file, lineNo, c);
                }
                rows++;
            }
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + Inputs.describe(e));
        }
        if (rows == 0) {
            throw new UsageException(file + ": the file is empty (no rows)");
        }
        return new Matrix(Arrays.copyOf(values, size), rows, cols);
    }

    static int[] readLabels(Path file) {
        int[] labels = new int[1024];
        int size = 0;
        try (BufferedReader in = Inputs.openText(file)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                String t = line.strip();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.indexOf(',') >= 0) {
                    throw new UsageException(file + ": line " + lineNo + " holds several values ('" + abbreviate(t)
                            + "'); labels are one integer per line");
                }
                long v;
                try {
                    v = Long.parseLong(t);
                } catch (NumberFormatException e) {
                    throw new UsageException(file + ": line " + lineNo + ": '" + abbreviate(t)
                            + "' is not an integer label");
                }
                if (v < 0 || v > Integer.MAX_VALUE) {
                    throw new UsageException(file + ": line " + lineNo + ": label " + v
                            + " is out of range; labels must be integers in 0.." + Integer.MAX_VALUE);
                }
                if (size == labels.length) {
                    labels = Arrays.copyOf(labels, labels.length * 2);
                }
                labels[size++] = (int) v;
            }
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + Inputs.describe(e));
        }
        if (size == 0) {
            throw new UsageException(file + ": the file is empty (no labels)");
        }
        return Arrays.copyOf(labels, size);
    }

    private static float parseFloat(String field, Path file, int lineNo, int col) {
        String t = field.strip();
        float v;
        try {
            // Java's parser also takes "1f", "0x1p3" and the like; reject anything with letters beyond e/E/nan/inf.
            if (t.isEmpty() || !t.matches("[-+0-9.eE]+|[-+]?(?i:nan|inf|infinity)")) {
                throw new NumberFormatException();
            }
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            v = lower.endsWith("nan") ? Float.NaN
                    : lower.endsWith("inf") || lower.endsWith("infinity")
                    ? (lower.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY)
                    : Float.parseFloat(t);
        } catch (NumberFormatException e) {
            throw new UsageException(file + ": line " + lineNo + " column " + (col + 1) + ": '" + abbreviate(t)
                    + "' is not a number" + (lineNo == 1 ? " (header lines are not supported)" : ""));
        }
        if (!Float.isFinite(v)) {
            throw new UsageException(file + ": line " + lineNo + " column " + (col + 1) + " is " + t
                    + "; every value must be finite"
                    + (isFiniteDouble(t) ? " (beyond the float32 range)" : ""));
        }
        return v;
    }

    private static boolean isFiniteDouble(String t) {
        try {
            return Double.isFinite(Double.parseDouble(t));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
