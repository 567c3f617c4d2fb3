package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Plain CSV: embeddings one row per line (comma-separated numbers, every line the same count), labels one integer
 * per line. Blank lines are skipped; there is no header. Errors name the file and the 1-based line.
 */
final class CsvFiles {
    /** The most values one array holds. */
    private static final int MAX_VALUES = Integer.MAX_VALUE - 8;
    /** What Java's parser reads that a CSV number may be; it alone also takes "1f", "0x1p3" and the like. */
    private static final Pattern NUMBER = Pattern.compile("[-+0-9.eE]+");
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern NAN_OR_INFINITY = Pattern.compile("[-+]?(?i:nan|inf|infinity)");

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
                // Fields are scanned in place (no split): a 10 MB line must not become millions of strings first.
                int fields = 0;
                int start = 0;
                while (true) {
                    int comma = line.indexOf(',', start);
                    int end = comma < 0 ? line.length() : comma;
                    if (cols >= 0 && fields == cols) {
                        throw new UsageException(file + ": line " + lineNo + " has more than " + cols
                                + " values, line " + firstLine + " has " + cols);
                    }
                    if (size == values.length) {
                        if (values.length >= MAX_VALUES) {
                            throw new UsageException(file + ": too many values (more than " + MAX_VALUES + ")");
                        }
                        values = Arrays.copyOf(values, (int) Math.min((long) values.length * 2, MAX_VALUES));
                    }
                    values[size++] = parseFloat(line.substring(start, end), file, lineNo, fields);
                    fields++;
                    if (comma < 0) {
                        break;
                    }
                    start = comma + 1;
                }
                if (cols < 0) {
                    cols = fields;
                    firstLine = lineNo;
                } else if (fields != cols) {
                    throw new UsageException(file + ": line " + lineNo + " has " + fields + " values, line "
                            + firstLine + " has " + cols);
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
                    throw new UsageException(file + ": line " + lineNo + " holds several values ('" + Inputs.shown(t)
                            + "'); labels are one integer per line");
                }
                long v;
                try {
                    if (!INTEGER.matcher(t).matches()) { // Long.parseLong alone also takes non-ASCII digits
                        throw new NumberFormatException();
                    }
                    v = Long.parseLong(t);
                } catch (NumberFormatException e) {
                    throw new UsageException(file + ": line " + lineNo + ": '" + Inputs.shown(t)
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
            if (NUMBER.matcher(t).matches()) {
                v = Float.parseFloat(t);
            } else if (NAN_OR_INFINITY.matcher(t).matches()) {
                String lower = t.toLowerCase(Locale.ROOT);
                v = lower.endsWith("nan") ? Float.NaN
                        : lower.startsWith("-") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
            } else {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            throw new UsageException(file + ": line " + lineNo + " column " + (col + 1) + ": '" + Inputs.shown(t)
                    + "' is not a number" + (lineNo == 1 ? " (header lines are not supported)" : ""));
        }
        if (!Float.isFinite(v)) {
            throw new UsageException(file + ": line " + lineNo + " column " + (col + 1) + " is " + Inputs.shown(t)
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

}
