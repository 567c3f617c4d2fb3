package dev.softsilhouette;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Every check of SPEC section 9, in one place, run before any backend code and before anything is written.
 * Messages name the argument, and the index and value where there is one.
 */
final class Arguments {
    private Arguments() {
    }

    static void shape(int n, int d) {
        if (n < 1) {
            throw new IllegalArgumentException("n: the number of rows must be >= 1, got " + n);
        }
        if (d < 1) {
            throw new IllegalArgumentException("d: the number of columns must be >= 1, got " + d);
        }
    }

    static void tau(double tau) {
        if (Double.isNaN(tau) || tau < 0) {
            throw new IllegalArgumentException("tau: the temperature must be >= 0, got " + tau);
        }
    }

    static void notNull(Object value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
    }

    static void length(String name, long available, long needed, String what) {
        if (available < needed) {
            throw new IllegalArgumentException(name + ": buffer holds " + available + " values, needs " + what
                    + " = " + needed);
        }
    }

    static void embeddings(Floats x, int n, int d) {
        notNull(x, "embeddings");
        length("embeddings", x.length(), (long) n * d, "n*d (n=" + n + ", d=" + d + ")");
    }

    static void labels(Ints labels, int n) {
        notNull(labels, "labels");
        length("labels", labels.length(), n, "n");
    }

    static void output(String name, Floats out, long needed, String what) {
        notNull(out, name);
        length(name, out.length(), needed, what);
        if (out.isReadOnly()) {
            throw new IllegalArgumentException(name + ": the output buffer is read-only");
        }
    }

    static void perRow(String name, Floats values, int n) {
        notNull(values, name);
        length(name, values.length(), n, "n");
    }

    /** An output must not share memory with an input or another output. */
    static void disjoint(String outName, MemorySegment out, String otherName, MemorySegment other) {
        if (out.asOverlappingSlice(other).isPresent()) {
            throw new IllegalArgumentException(outName + ": the output overlaps " + otherName);
        }
    }

    /** The first row holding NaN or an infinity is reported. */
    static void finite(MemorySegment x, int n, int d) {
        finite("embeddings", x, n, d);
    }

    static void finite(String name, MemorySegment x, int n, int d) {
        long count = (long) n * d;
        for (long i = 0; i < count; i++) {
            float v = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + ": row " + (i / d) + " column " + (i % d) + " is " + v
                        + "; every value must be finite");
            }
        }
    }

    /** The float64 embeddings' check: the first row holding NaN or an infinity is reported. */
    static void finite(double[] x, int n, int d) {
        long count = (long) n * d;
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(x[i])) {
                throw new IllegalArgumentException("embeddings: row " + (i / d) + " column " + (i % d) + " is " + x[i]
                        + "; every value must be finite");
            }
        }
    }

    /** SPEC section 7: the score needs 2 to n-1 distinct labels. */
    static void scoreClasses(int classes, long n) {
        if (classes < 2 || classes > n - 1) {
            throw new IllegalArgumentException("labels: the number of distinct labels is " + classes
                    + "; the silhouette score needs 2 to n-1 (n=" + n + ")");
        }
    }

    static void finiteRowValues(String name, MemorySegment values, int n) {
        for (int i = 0; i < n; i++) {
            float v = values.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + ": index " + i + " is " + v + "; every value must be finite");
            }
        }
    }
}
