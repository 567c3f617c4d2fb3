package dev.softsilhouette.spark;

import dev.softsilhouette.ClassCounts;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** The two input columns of a data set as Catalyst rows, and their blocks. */
final class InputRows {
    private final JavaRDD<InternalRow> rows;
    private final InputColumns columns;

    private InputRows(JavaRDD<InternalRow> rows, InputColumns columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * The rows of the two columns. A data set of just these two columns is read as it is: its query is planned once
     * and kept by the data set, where a projection would be planned again on every evaluation (tens of
     * milliseconds); a wider one is projected onto the two, so that the scan reads nothing else.
     */
    static InputRows of(Dataset<?> dataset, String featuresColumn, String predictionColumn) {
        InputColumns.of(dataset.schema(), featuresColumn, predictionColumn);
        Dataset<?> source = Set.of(dataset.columns()).equals(Set.of(featuresColumn, predictionColumn))
                && dataset.columns().length == 2
                ? dataset
                : dataset.select(functions.col(featuresColumn), functions.col(predictionColumn));
        InputColumns columns = InputColumns.of(source.schema(), featuresColumn, predictionColumn);
        return new InputRows(source.queryExecution().toRdd().toJavaRDD(), columns);
    }

    /**
     * Every partition as blocks of up to {@code blockRows} rows of {@code dims} features; with {@code dims = -1} of
     * as many as the partition's first row has (the caller compares the partitions').
     */
    JavaRDD<Block> blocks(int blockRows, int dims) {
        InputColumns c = columns;
        return rows.mapPartitionsWithIndex((partition, it) -> new PartitionBlocks(c, partition, it,
                        p -> blockRows, dims), true);
    }

    /**
     * Every partition as blocks of about equal size: {@code ceil(n_p / blockRows)} blocks of {@code n_p} rows (so that
     * tiles of blocks are of about equal work).
     */
    JavaRDD<Block> evenBlocks(PartitionShapes shapes, int blockRows) {
        InputColumns c = columns;
        int[] perBlock = shapes.evenBlockRows(blockRows);
        int dims = shapes.dims();
        return rows.mapPartitionsWithIndex((partition, it) -> new PartitionBlocks(c, partition, it,
                        p -> perBlock[p], dims), true);
    }

    /**
     * One pass that reads every label but only the first row's features of each partition: the rows and classes of
     * every partition and the number of features.
     */
    PartitionShapes shapes() {
        InputColumns c = columns;
        List<PartitionShapes.Shape> found = rows.mapPartitionsWithIndex((partition, it) -> {
            int dims = -1;
            int[] labels = new int[1024];
            int n = 0;
            while (it.hasNext()) {
                InternalRow row = it.next();
                RowPosition at = new RowPosition(partition, n);
                if (dims < 0) {
                    dims = c.dims(row, at);
                    if (dims < 1) {
                        throw c.noFeatures(at);
                    }
                }
                if (n == labels.length) {
                    labels = Arrays.copyOf(labels, Math.multiplyExact(2, n));
                }
                labels[n++] = c.readLabel(row, at);
            }
            ClassCounts classes = n == 0 ? null : ClassCounts.of(Arrays.copyOf(labels, n));
            return List.of(new PartitionShapes.Shape(n, dims, classes)).iterator();
        }, true).collect();
        PartitionShapes shapes = PartitionShapes.of(found);
        if (shapes.classes() == null) {
            throw noRows();
        }
        requireScorable(shapes.classes());
        return shapes;
    }

    /** SPEC section 7: 2 to N-1 classes, else an error naming the prediction column. */
    void requireScorable(ClassCounts classes) {
        try {
            classes.requireScorable();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("predictionCol \"" + columns.predictionColumn() + "\": "
                    + e.getMessage(), e);
        }
    }

    /** A row with another number of features than the data set's first row (found on the driver). */
    IllegalArgumentException differentDims(RowPosition at, int dims, int expected) {
        return columns.differentDims(at, dims, "the first row of the data set", expected);
    }

    IllegalArgumentException noRows() {
        return new IllegalArgumentException("featuresCol \"" + columns.featuresColumn() + "\": the data set has no "
                + "rows; the silhouette needs 2 to N-1 classes");
    }
}
