package dev.softsilhouette;

import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Turns arbitrary non-negative labels into what backends use (SPEC section 1): compact classes {@code 0..K-1} in
 * increasing label order, a stable class-sorted row order, its inverse, and class boundaries. One sort of
 * {@code (label, row)} keys does all of it, whatever the label values (sparse, up to {@code Integer.MAX_VALUE}).
 *
 * <p>Each thread keeps one workspace; its arrays are reused while the batch size stays the same, so steady-state
 * training allocates nothing here.
 */
final class LabelPreparation {
    private static final int RADIX = 256;
    /** Labels per {@link #read}: the workspace's copy of them stays this small whatever the batch. */
    private static final int READ_CHUNK = 4096;
    /** A subclass, not {@code withInitial}: a lambda would spin its class during a JVM's first call. */
    private static final ThreadLocal<LabelPreparation> WORKSPACE = new ThreadLocal<>() {
        @Override
        protected LabelPreparation initialValue() {
            return new LabelPreparation();
        }
    };

    private long[] keys = new long[0];
    private long[] sortBuffer = new long[0];
    private final int[] digitCounts = new int[RADIX];
    private int[] compact = new int[0];
    private int[] sortedRows = new int[0];
    private int[] positions = new int[0];
    private int[] offsets = new int[0];
    private int[] scratchOffsets = new int[0];
    /** Up to {@link #READ_CHUNK} labels as read from the caller's segment, and a segment over this array. */
    private final int[] labelValues = new int[READ_CHUNK];
    private final MemorySegment labelView = MemorySegment.ofArray(labelValues);

    static LabelPreparation forThisThread() {
        return WORKSPACE.get();
    }

    /** Checks the labels (the first negative one is reported) without writing anything the caller can see. */
    static void checkNonNegative(MemorySegment labels, int n) {
        checkNonNegative("labels", labels, n);
    }

    static void checkNonNegative(String name, MemorySegment labels, int n) {
        LabelPreparation workspace = forThisThread();
        for (long from = 0; from < n; from += READ_CHUNK) { // long: no overflow next to Integer.MAX_VALUE rows
            int count = (int) Math.min(READ_CHUNK, n - from);
            int[] values = workspace.read(labels, from, count);
            for (int i = 0; i < count; i++) {
                if (values[i] < 0) {
                    throw new IllegalArgumentException(name + ": index " + (from + i) + " is " + values[i]
                            + "; labels must be >= 0");
                }
            }
        }
    }

    /** Labels must already have passed {@link #checkNonNegative}. */
    PreparedBatch prepare(MemorySegment embeddings, int n, int d, MemorySegment labels) {
        int classes = prepareClasses(n, labels);
        return new PreparedBatch(embeddings, n, d, classes, compact, sortedRows, positions, offsets);
    }

    /**
     * The same for embeddings in GPU memory (device address {@code embeddings}, the caller's {@code stream}). Labels
     * must already have passed {@link #checkNonNegative}.
     */
    DeviceBatch prepareOnDevice(long embeddings, long stream, int n, int d, MemorySegment labels) {
        int classes = prepareClasses(n, labels);
        return new DeviceBatch(embeddings, stream, n, d, classes, compact, sortedRows, positions, offsets);
    }

    /**
     * The compact class of each row and the class boundaries, for the float64 path, which has no float32
     * {@link PreparedBatch}. The arrays are this workspace's, valid until its next call. Labels must already have
     * passed {@link #checkNonNegative}.
     */
    Classes classes(int n, MemorySegment labels) {
        prepareClasses(n, labels);
        return new Classes(compact, offsets);
    }

    /** @param labels compact class of each row (N values); @param offsets class boundaries in class order (K+1) */
    record Classes(int[] labels, int[] offsets) {
    }

    /**
     * Labels {@code from .. from+count-1} ({@code count <= READ_CHUNK}), copied into this workspace by one
     * segment-to-segment copy. Reading them one by one ({@code getAtIndex}) would create the layout's VarHandle during
     * a JVM's first call: milliseconds, a tenth of a first call at N=256.
     */
    private int[] read(MemorySegment labels, long from, int count) {
        MemorySegment.copy(labels, from * Integer.BYTES, labelView, 0, (long) count * Integer.BYTES);
        return labelValues;
    }

    /** Fills the workspace for these labels; returns K. */
    private int prepareClasses(int n, MemorySegment labels) {
        if (keys.length != n) {
            keys = new long[n];
            sortBuffer = new long[n];
            compact = new int[n];
            sortedRows = new int[n];
            positions = new int[n];
            scratchOffsets = new int[n + 1];
        }
        for (long from = 0; from < n; from += READ_CHUNK) {
            int start = (int) from;
            int count = Math.min(READ_CHUNK, n - start);
            int[] values = read(labels, from, count);
            for (int i = 0; i < count; i++) {
                keys[start + i] = ((long) values[i] << 32) | (start + i);
            }
        }
        sortByLabel(n); // by label, then by row: a stable class order

        int k = -1;
        long previousLabel = -1;
        for (int p = 0; p < n; p++) {
            long label = keys[p] >>> 32;
            int row = (int) keys[p];
            if (label != previousLabel) {
                k++;
                scratchOffsets[k] = p;
                previousLabel = label;
            }
            compact[row] = k;
            sortedRows[p] = row;
            positions[row] = p;
        }
        int classes = k + 1;
        scratchOffsets[classes] = n;
        if (offsets.length != classes + 1) {
            offsets = new int[classes + 1];
        }
        System.arraycopy(scratchOffsets, 0, offsets, 0, classes + 1);
        return classes;
    }

    /**
     * Least-significant-digit radix sort of the keys on their label half, one byte per pass, into reused buffers:
     * O(N) per pass, allocation-free, and stable, so rows stay in increasing order within a label (the keys start
     * in row order). A pass whose byte is the same for every key is skipped: labels below 256 take one pass.
     */
    private void sortByLabel(int n) {
        long[] from = keys;
        long[] to = sortBuffer;
        for (int shift = 32; shift < 64; shift += 8) {
            Arrays.fill(digitCounts, 0);
            for (int i = 0; i < n; i++) {
                digitCounts[(int) (from[i] >>> shift) & (RADIX - 1)]++;
            }
            if (digitCounts[(int) (from[0] >>> shift) & (RADIX - 1)] == n) {
                continue; // every key has the same byte here
            }
            int position = 0;
            for (int digit = 0; digit < RADIX; digit++) {
                int count = digitCounts[digit];
                digitCounts[digit] = position;
                position += count;
            }
            for (int i = 0; i < n; i++) {
                long key = from[i];
                to[digitCounts[(int) (key >>> shift) & (RADIX - 1)]++] = key;
            }
            long[] swap = from;
            from = to;
            to = swap;
        }
        if (from != keys) {
            System.arraycopy(from, 0, keys, 0, n);
        }
    }
}
