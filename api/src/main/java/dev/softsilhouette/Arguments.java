package dev.softsilhouette;

import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.InputErrors;
import dev.softsilhouette.spi.PreparedBatch;

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

    /**
     * {@link #length} of a product, {@code first * second} values; the message names both factors, e.g.
     * {@code "n*d (n=5, d=3)"}. The message is built only when the check fails (a call of the loss must not pay for
     * string concatenation).
     */
    static void lengthOfProduct(String name, long available, String firstName, long first, String secondName,
                                long second) {
        long needed = first * second;
        if (available < needed) {
            length(name, available, needed, firstName + "*" + secondName + " (" + firstName + "=" + first + ", "
                    + secondName + "=" + second + ")");
        }
    }

    static void embeddings(Floats x, int n, int d) {
        notNull(x, "embeddings");
        lengthOfProduct("embeddings", x.length(), "n", n, "d", d);
    }

    static void labels(Ints labels, int n) {
        notNull(labels, "labels");
        length("labels", labels.length(), n, "n");
    }

    static void output(String name, Floats out, long needed, String what) {
        notNull(out, name);
        length(name, out.length(), needed, what);
        writable(name, out);
    }

    static void writable(String name, Floats out) {
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

    /**
     * Values per step of the vectorisable check: its largest magnitude tells whether the step holds a non-finite
     * value; only such a step is read again, value by value, for the message.
     */
    private static final int FINITE_STEP = 2048;
    /** The first calls of a JVM run the value-by-value loop (see {@link #finite(String, MemorySegment, int, int)}). */
    private static final int FIRST_CALLS = 2;
    /** Calls so far, up to {@link #FIRST_CALLS}; a lost update between threads only adds a first-call loop. */
    private static int calls;

    /**
     * Every value finite, else the first non-finite value's row and column in the message. The steady-state check
     * reads the values as their IEEE bits and keeps the largest magnitude ({@code bits & 0x7fffffff}), an integer
     * maximum that C2 vectorises (about six times faster than {@link Float#isFinite} value by value, which it does
     * not); a magnitude from {@code 0x7f800000} up is an infinity or a NaN. The first calls of a JVM run
     * interpreted or in C1, where a plain loop over the array behind the segment is several times faster than
     * segment reads: they use that.
     */
    static void finite(String name, MemorySegment x, int n, int d) {
        long count = (long) n * d;
        if (calls < FIRST_CALLS) {
            calls++;
            firstNonFinite(name, x, 0, count, d);
            return;
        }
        finiteBySteps(name, x, count, d);
    }

    /** The steady-state check of {@link #finite(String, MemorySegment, int, int)}: {@code count} values. */
    static void finiteBySteps(String name, MemorySegment x, long count, int d) {
        for (long from = 0; from < count; from += FINITE_STEP) {
            long to = Math.min(count, from + FINITE_STEP);
            if (largestMagnitudeBits(x, from, to) >= 0x7f800000) {
                firstNonFinite(name, x, from, to, d);
            }
        }
    }

    private static int largestMagnitudeBits(MemorySegment x, long from, long to) {
        int largest = 0;
        for (long i = from; i < to; i++) {
            largest = Math.max(largest, x.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) & 0x7fffffff);
        }
        return largest;
    }

    /** Throws for the first non-finite value of {@code x[from, to)}. */
    private static void firstNonFinite(String name, MemorySegment x, long from, long to, int d) {
        if (x.heapBase().orElse(null) instanceof float[] array && x.address() % Float.BYTES == 0) {
            // A float[] behind the segment (Floats.of): the interpreter and C1 read the array several times faster.
            int start = (int) (x.address() / Float.BYTES);
            for (int i = (int) from; i < to; i++) {
                if (!Float.isFinite(array[start + i])) {
                    throw notFinite(name, i, d, array[start + i]);
                }
            }
            return;
        }
        for (long i = from; i < to; i++) {
            float v = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            if (!Float.isFinite(v)) {
                throw notFinite(name, i, d, v);
            }
        }
    }

    private static IllegalArgumentException notFinite(String name, long i, int d, float v) {
        return InputErrors.notFinite(name, i, d, v);
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

    /**
     * A shift of the block decomposition: D finite values. {@code holder} names what has the D dimensions, for the
     * message ("the block", "the statistics").
     */
    static void shift(double[] shift, int dims, String holder) {
        notNull(shift, "shift");
        if (shift.length != dims) {
            throw new IllegalArgumentException("shift: holds " + shift.length + " values, " + holder + " d=" + dims);
        }
        for (int t = 0; t < dims; t++) {
            if (!Double.isFinite(shift[t])) {
                throw new IllegalArgumentException("shift: index " + t + " is " + shift[t]
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

    static void finiteUpstream(double upstream) {
        if (!Double.isFinite(upstream)) {
            throw new IllegalArgumentException("upstream: the upstream gradient must be finite, got " + upstream);
        }
    }

    /** A temperature that divides: finite and {@code > 0}. */
    static void positiveTemperature(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": the temperature must be finite and > 0, got " + value);
        }
    }

    /** A term's weight in a sum of losses: finite and {@code >= 0}. */
    static void termWeight(String name, double value) {
        if (!(value >= 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + ": the weight must be finite and >= 0, got " + value);
        }
    }

    /**
     * Every check of one call on a batch (shapes, lengths, read-only and overlapping outputs, labels, finiteness), then
     * the label preparation: what every loss does before its backend runs. {@code perRowName} is how messages name
     * the per-row output ({@code losses}, {@code samples}); null arguments are the ones the call does not have.
     */
    static PreparedBatch prepare(Floats x, Ints labels, int n, int d, Floats upstream, String perRowName,
                                 Floats perRowOut, Floats gradientOut) {
        shape(n, d);
        embeddings(x, n, d);
        labels(labels, n);
        if (upstream != null) {
            perRow("upstream", upstream, n);
        }
        if (perRowOut != null) {
            output(perRowName, perRowOut, n, "n");
        }
        if (gradientOut != null) {
            notNull(gradientOut, "gradient");
            lengthOfProduct("gradient", gradientOut.length(), "n", n, "d", d);
            writable("gradient", gradientOut);
        }
        MemorySegment xs = x.segment((long) n * d);
        MemorySegment ys = labels.segment().asSlice(0, (long) n * Integer.BYTES);
        MemorySegment us = upstream == null ? null : upstream.segment(n);
        MemorySegment os = perRowOut == null ? null : perRowOut.segment(n);
        MemorySegment gs = gradientOut == null ? null : gradientOut.segment((long) n * d);
        if (gs != null) {
            disjoint("gradient", gs, "embeddings", xs);
            disjoint("gradient", gs, "labels", ys);
            if (us != null) {
                disjoint("gradient", gs, "upstream", us);
            }
            if (os != null) {
                disjoint("gradient", gs, perRowName, os);
            }
        }
        if (os != null) {
            disjoint(perRowName, os, "embeddings", xs);
            disjoint(perRowName, os, "labels", ys);
            if (us != null) {
                disjoint(perRowName, os, "upstream", us);
            }
        }
        LabelPreparation.checkNonNegative(ys, n);
        finite(xs, n, d);
        if (us != null) {
            finiteRowValues("upstream", us, n);
        }
        return LabelPreparation.forThisThread().prepare(xs, n, d, ys);
    }

    /**
     * A buffer in GPU memory: a non-zero, float-aligned address and at least {@code n*d} floats (the message names
     * both factors, as for host buffers). Nothing is read: only the device can.
     */
    static void device(String name, DeviceFloats values, int n, int d) {
        notNull(values, name);
        if (values.address() == 0L) {
            throw new IllegalArgumentException(name + ": the device address is 0 (a null pointer)");
        }
        if (values.address() % Float.BYTES != 0) {
            throw new IllegalArgumentException(name + ": the device address 0x" + Long.toHexString(values.address())
                    + " is not aligned to " + Float.BYTES + " bytes (a float)");
        }
        lengthOfProduct(name, values.length(), "n", n, "d", d);
    }

    /**
     * Every check of a GPU-resident call that needs no read of the device (shapes, addresses, lengths, an output
     * that overlaps the embeddings, the labels), then the label preparation: what {@link #prepare} does for host
     * buffers, except finiteness, which the backend checks on the device ({@code DeviceResidentBackend}).
     * {@code gradientOut} and {@code silhouettesOut} are null when the call has none.
     */
    static DeviceBatch prepareOnDevice(DeviceFloats x, Ints labels, int n, int d, DeviceFloats gradientOut,
                                       Floats silhouettesOut, CudaStream stream) {
        shape(n, d);
        device("embeddings", x, n, d);
        labels(labels, n);
        notNull(stream, "stream");
        long count = (long) n * d;
        if (gradientOut != null) {
            device("gradient", gradientOut, n, d);
            if (gradientOut.address() < x.end(count) && x.address() < gradientOut.end(count)) {
                throw new IllegalArgumentException("gradient: the output overlaps embeddings");
            }
        }
        MemorySegment ys = labels.segment().asSlice(0, (long) n * Integer.BYTES);
        if (silhouettesOut != null) {
            output("silhouettes", silhouettesOut, n, "n");
            disjoint("silhouettes", silhouettesOut.segment(n), "labels", ys);
        }
        LabelPreparation.checkNonNegative(ys, n);
        return LabelPreparation.forThisThread().prepareOnDevice(x.address(), stream.handle(), n, d, ys);
    }
}
