package dev.softsilhouette.spark;

import org.apache.spark.sql.catalyst.InternalRow;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntUnaryOperator;

/**
 * The rows of one partition as blocks of up to {@code blockRows} rows, read one block at a time (memory O(B*D)).
 * With {@code dims = -1} the partition's first row sets the number of features; otherwise (the data set's first
 * row's) every row must have {@code dims}.
 */
final class PartitionBlocks implements Iterator<Block> {
    private final InputColumns columns;
    private final int partition;
    private final Iterator<InternalRow> rows;
    private final int blockRows;
    private int dims;
    /** Which row set {@code dims}, for messages. */
    private final String dimsFrom;
    private long rowIndex;
    private int blockIndex;

    /** @param blockRows the rows per block of each partition (by index) */
    PartitionBlocks(InputColumns columns, int partition, Iterator<InternalRow> rows, IntUnaryOperator blockRows,
                    int dims) {
        this.columns = columns;
        this.partition = partition;
        this.rows = rows;
        this.blockRows = blockRows.applyAsInt(partition);
        this.dims = dims;
        this.dimsFrom = dims < 0 && partition > 0 ? "the first row of its partition" : "the first row of the data set";
    }

    @Override
    public boolean hasNext() {
        return rows.hasNext();
    }

    @Override
    public Block next() {
        if (!rows.hasNext()) {
            throw new NoSuchElementException();
        }
        float[] features = null;
        int[] labels = new int[blockRows];
        int n = 0;
        while (n < blockRows && rows.hasNext()) {
            InternalRow row = rows.next();
            RowPosition at = new RowPosition(partition, rowIndex++);
            if (dims < 0) {
                dims = columns.dims(row, at);
                if (dims < 1) {
                    throw columns.noFeatures(at);
                }
            }
            if (features == null) {
                features = new float[Math.multiplyExact(blockRows, dims)];
            }
            columns.readFeatures(row, at, dims, dimsFrom, features, n * dims);
            labels[n++] = columns.readLabel(row, at);
        }
        if (n < blockRows) {
            features = Arrays.copyOf(features, n * dims);
            labels = Arrays.copyOf(labels, n);
        }
        return new Block(partition, blockIndex++, n, dims, features, labels);
    }
}
