package dev.softsilhouette;

import java.util.Objects;

/**
 * A block of rows of a larger data set, for the block decomposition ({@link BlockSilhouette}): {@code rows} rows of
 * {@code dims} float32 values and their labels. Labels are the caller's own, global to the data set (the same value
 * means the same class in every block); a block need not hold every class. Creating one copies and checks nothing:
 * each operation validates the blocks it is given (SPEC section 9).
 *
 * @param embeddings {@code rows * dims} values, row-major (a {@code float[]}, a buffer or a memory-mapped segment)
 * @param labels     {@code rows} labels, each {@code >= 0}
 * @param rows       rows in the block, {@code >= 1}
 * @param dims       values per row, {@code >= 1}, the same in every block
 */
public record RowBlock(Floats embeddings, Ints labels, int rows, int dims) {

    public RowBlock {
        Objects.requireNonNull(embeddings, "embeddings");
        Objects.requireNonNull(labels, "labels");
    }

    /** The whole arrays as one block: {@code rows = labels.length}. */
    public static RowBlock of(float[] embeddings, int[] labels, int dims) {
        Objects.requireNonNull(labels, "labels");
        return new RowBlock(Floats.of(embeddings), Ints.of(labels), labels.length, dims);
    }
}
