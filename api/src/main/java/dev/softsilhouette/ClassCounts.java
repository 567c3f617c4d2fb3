package dev.softsilhouette;

import java.io.Serial;
import java.io.Serializable;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The classes of a data set and their sizes {@code n_k}: the class table every block of the decomposition indexes
 * (SPEC section 12). Class {@code k} is the k-th smallest label; per-row per-class arrays ({@code sums[i*K + k]})
 * use that index. Counts of blocks {@link #merge merge} by addition, so the table of a data set is the merge of its
 * blocks' tables, in any order.
 *
 * <p>Immutable, thread-safe and {@link Serializable} (plain arrays), to aggregate and broadcast in a distributed
 * engine.
 */
public final class ClassCounts implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Distinct labels, increasing. */
    private final int[] labels;
    /** n_k, parallel to {@link #labels}. */
    private final long[] counts;

    private ClassCounts(int[] labels, long[] counts) {
        this.labels = labels;
        this.counts = counts;
    }

    /** The classes of {@code rows} labels. */
    public static ClassCounts of(Ints labels, int rows) {
        Arguments.notNull(labels, "labels");
        if (rows < 1) {
            throw new IllegalArgumentException("rows: the number of rows must be >= 1, got " + rows);
        }
        Arguments.labels(labels, rows);
        var segment = labels.segment();
        LabelPreparation.checkNonNegative(segment, rows);
        int[] values = new int[rows];
        int largest = 0;
        for (int i = 0; i < rows; i++) {
            values[i] = segment.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            largest = Math.max(largest, values[i]);
        }
        return largest <= Math.max(COUNTED_LABELS, rows) ? counted(values, largest) : sorted(values);
    }

    /** Labels up to this (or the number of rows) are counted in an array indexed by label instead of sorted. */
    private static final int COUNTED_LABELS = 1 << 16;

    /** The classes of labels in {@code [0, largest]}: one pass of counts per label, O(rows + largest). */
    private static ClassCounts counted(int[] values, int largest) {
        int[] perLabel = new int[largest + 1];
        for (int v : values) {
            perLabel[v]++;
        }
        int distinct = 0;
        for (int c : perLabel) {
            if (c > 0) {
                distinct++;
            }
        }
        int[] classes = new int[distinct];
        long[] counts = new long[distinct];
        for (int label = 0, k = 0; label <= largest; label++) {
            if (perLabel[label] > 0) {
                classes[k] = label;
                counts[k++] = perLabel[label];
            }
        }
        return new ClassCounts(classes, counts);
    }

    /** The classes of any labels: sorted, then runs counted, O(rows log rows). */
    private static ClassCounts sorted(int[] sorted) {
        int rows = sorted.length;
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < rows; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        int[] classes = new int[distinct];
        long[] counts = new long[distinct];
        int k = -1;
        for (int i = 0; i < rows; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                classes[++k] = sorted[i];
            }
            counts[k]++;
        }
        return new ClassCounts(classes, counts);
    }

    /** The classes of the labels of a whole array. */
    public static ClassCounts of(int[] labels) {
        Arguments.notNull(labels, "labels");
        return of(Ints.of(labels), labels.length);
    }

    /** The classes of both, with their counts added. */
    public ClassCounts merge(ClassCounts other) {
        Arguments.notNull(other, "other");
        int[] union = unionOf(labels, other.labels);
        long[] sum = new long[union.length];
        for (int k = 0; k < labels.length; k++) {
            sum[Arrays.binarySearch(union, labels[k])] += counts[k];
        }
        for (int k = 0; k < other.labels.length; k++) {
            sum[Arrays.binarySearch(union, other.labels[k])] += other.counts[k];
        }
        return new ClassCounts(union, sum);
    }

    /** K, the number of classes. */
    public int classCount() {
        return labels.length;
    }

    /** N, the number of rows counted. */
    public long rows() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The labels, increasing: {@code labels()[k]} is class k. */
    public int[] labels() {
        return labels.clone();
    }

    /** n_k of class k (its index, not its label). */
    public long count(int classIndex) {
        return counts[classIndex];
    }

    /** The class index of a label, or -1 when it is not one of these classes. */
    public int indexOf(int label) {
        int last = labels.length - 1;
        if (last >= 0 && labels[last] == last && labels[0] == 0) {
            // the labels 0..K-1 (sorted and distinct, so every one in between): a label is its own index
            return label >= 0 && label <= last ? label : -1;
        }
        int k = Arrays.binarySearch(labels, label);
        return k >= 0 ? k : -1;
    }

    /**
     * SPEC section 7: the silhouette score is defined for 2 to N-1 classes.
     *
     * @throws IllegalArgumentException naming the count otherwise, as {@link SoftSilhouetteLoss#score} does
     */
    public void requireScorable() {
        Arguments.scoreClasses(classCount(), rows());
    }

    /** Class boundaries as if the rows were sorted by class (K+1 values), for the per-row math. */
    int[] offsets() {
        int[] offsets = new int[labels.length + 1];
        long total = 0;
        for (int k = 0; k < labels.length; k++) {
            total += counts[k];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("classes: " + rows() + " rows in all; the per-row silhouette of "
                        + "the block decomposition supports at most " + (Integer.MAX_VALUE - 8));
            }
            offsets[k + 1] = (int) total;
        }
        return offsets;
    }

    /** Each row's class index; a label missing from the table is an error naming the row. */
    int[] indicesOf(Ints rowLabels, int rows, String argument) {
        var segment = rowLabels.segment();
        int[] indices = new int[rows];
        for (int i = 0; i < rows; i++) {
            int label = segment.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i);
            int k = indexOf(label);
            if (k < 0) {
                throw new IllegalArgumentException(argument + ": index " + i + " is " + label
                        + ", a label missing from the class table (" + describeLabels() + ")");
            }
            indices[i] = k;
        }
        return indices;
    }

    private String describeLabels() {
        int shown = Math.min(labels.length, 10);
        StringBuilder b = new StringBuilder().append(labels.length).append(labels.length == 1 ? " class: " : " classes: ");
        for (int k = 0; k < shown; k++) {
            b.append(k == 0 ? "" : ", ").append(labels[k]);
        }
        return b.append(labels.length > shown ? ", ..." : "").toString();
    }

    static int[] unionOf(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int next;
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                next = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                next = b[j++];
            } else {
                next = a[i++];
                j++;
            }
            out[n++] = next;
        }
        return Arrays.copyOf(out, n);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassCounts other && Arrays.equals(labels, other.labels)
                && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(labels) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ClassCounts[" + describeLabels() + "; " + rows() + " rows]";
    }
}
