package dev.softsilhouette.spark;

import dev.softsilhouette.ClassCounts;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.functions;

import java.util.List;

/** The two input columns of a data set as Catalyst rows, and their blocks. */
final class InputRows {
    private final JavaRDD<InternalRow> rows;
    private final InputColumns columns;

    private InputRows(JavaRDD<InternalRow> rows, InputColumns columns) {
        this.rows = rows;
        this.columns = columns;
    }

    static InputRows of(Dataset<?> dataset, String featuresColumn, String predictionColumn) {
        InputColumns columns = InputColumns.of(dataset.schema(), featuresColumn, predictionColumn);
        JavaRDD<InternalRow> rows = dataset.select(functions.col(featuresColumn), functions.col(predictionColumn))
                .queryExecution().toRdd().toJavaRDD();
        return new InputRows(rows, columns);
    }

    /** The first block of the data set; its number of features is the data set's. */
    Block firstBlock(int blockRows) {
        List<Block> first = blocks(blockRows, -1).take(1);
        if (first.isEmpty()) {
            throw new IllegalArgumentException("featuresCol \"" + columns.featuresColumn() + "\": the data set has no "
                    + "rows; the silhouette needs 2 to N-1 classes");
        }
        return first.getFirst();
    }

    /** Every partition as blocks of up to {@code blockRows} rows of {@code dims} features. */
    JavaRDD<Block> blocks(int blockRows, int dims) {
        InputColumns c = columns;
        return rows.mapPartitionsWithIndex((partition, it) -> new PartitionBlocks(c, partition, it, blockRows, dims),
                true);
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
}
