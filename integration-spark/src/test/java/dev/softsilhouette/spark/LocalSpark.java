package dev.softsilhouette.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** A local Spark session bound to 127.0.0.1 without UI (one per test class), and data frames of fixtures. */
final class LocalSpark {
    private LocalSpark() {
    }

    static SparkSession start(String master) {
        return SparkSession.builder()
                .appName("soft-silhouette-test")
                .master(master)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    /** Columns {@code features} (dense vectors) and {@code prediction} (double), in {@code partitions} partitions. */
    static Dataset<Row> frame(SparkSession spark, Fixtures.Data data, int partitions) {
        List<Row> rows = new ArrayList<>(data.labels().length);
        for (int i = 0; i < data.labels().length; i++) {
            rows.add(RowFactory.create(Vectors.dense(data.features()[i]), (double) data.labels()[i]));
        }
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), true)
                .add("prediction", DataTypes.DoubleType, true);
        return spark.createDataFrame(rows, schema).repartition(partitions);
    }
}
