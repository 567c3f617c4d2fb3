package dev.softsilhouette.spark;

import dev.softsilhouette.ClassCounts;

import java.io.Serializable;
import java.util.List;

/**
 * What one pass over the labels finds, per partition in partition order: its rows and classes; and the data set's
 * number of features (the first row's). Numbers the blocks of {@link InputRows#evenBlocks} on the driver.
 */
final class PartitionShapes {
    /** One partition: its rows, the features of its first row (-1 when empty), its classes (null when empty). */
    record Shape(int rows, int dims, ClassCounts classes) implements Serializable {
    }

    private final List<Shape> partitions;
    private final int dims;
    private final ClassCounts classes;

    private PartitionShapes(List<Shape> partitions, int dims, ClassCounts classes) {
        this.partitions = partitions;
        this.dims = dims;
        this.classes = classes;
    }

    static PartitionShapes of(List<Shape> partitions) {
        int dims = -1;
        ClassCounts classes = null;
        for (Shape p : partitions) {
            if (p.rows() == 0) {
                continue;
            }
            if (dims < 0) {
                dims = p.dims();
            }
            classes = classes == null ? p.classes() : classes.merge(p.classes());
        }
        return new PartitionShapes(List.copyOf(partitions), dims, classes);
    }

    /** The number of features of the data set's first row. */
    int dims() {
        return dims;
    }

    /** The classes of the whole data set; null when it has no rows. */
    ClassCounts classes() {
        return classes;
    }

    /** Per partition, the rows per block that cut it into {@code ceil(n_p / blockRows)} blocks of about equal size. */
    int[] evenBlockRows(int blockRows) {
        int[] perBlock = new int[partitions.size()];
        for (int p = 0; p < perBlock.length; p++) {
            int n = partitions.get(p).rows();
            long blocks = Math.max(1, ((long) n + blockRows - 1) / blockRows);
            perBlock[p] = (int) Math.max(1, (n + blocks - 1) / blocks);
        }
        return perBlock;
    }

    /** The number of the first block of each partition (blocks numbered in partition order), and the total last. */
    int[] firstBlocks(int blockRows) {
        int[] perBlock = evenBlockRows(blockRows);
        int[] first = new int[partitions.size() + 1];
        for (int p = 0; p < perBlock.length; p++) {
            int n = partitions.get(p).rows();
            first[p + 1] = Math.addExact(first[p], (int) (((long) n + perBlock[p] - 1) / perBlock[p]));
        }
        return first;
    }
}
