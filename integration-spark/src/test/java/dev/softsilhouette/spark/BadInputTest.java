package dev.softsilhouette.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is an IllegalArgumentException naming the column (and the row), for every distance measure. */
class BadInputTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Six rows in two classes in one partition; row 4 replaced by {@code bad} (features, label). */
    private static Dataset<Row> withRow4(Object features, Object label) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(i == 4 ? RowFactory.create(features, label)
                    : RowFactory.create(Vectors.dense(i, 1.0 + i % 2, 0.5), (double) (i % 2)));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), true)
                .add("prediction", DataTypes.DoubleType, true);
        return spark.createDataFrame(rows, schema).coalesce(1);
    }

    private static void assertRejected(String measure, Dataset<Row> data, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SilhouetteEvaluator().setDistanceMeasure(measure).evaluate(data));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "\"" + f + "\" missing from: " + e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squaredEuclidean", "cosine", "euclidean"})
    void nullNaNInfiniteAndShortRowsNameTheColumnAndTheRow(String measure) {
        assertRejected(measure, withRow4(null, 1.0), "featuresCol \"features\"", "row 4 of partition 0", "null");
        assertRejected(measure, withRow4(Vectors.dense(1, Double.NaN, 2), 1.0), "featuresCol \"features\"",
                "row 4 of partition 0", "NaN at index 1");
        assertRejected(measure, withRow4(Vectors.dense(1, 2, Double.POSITIVE_INFINITY), 1.0),
                "featuresCol \"features\"", "row 4 of partition 0", "Infinity at index 2");
        assertRejected(measure, withRow4(Vectors.dense(1, 2, 1e300), 1.0), "row 4 of partition 0",
                "float32 range");
        assertRejected(measure, withRow4(Vectors.dense(1, 2), 1.0), "featuresCol \"features\"",
                "row 4 of partition 0", "has 2 features", "first row of the data set 3");
        assertRejected(measure, withRow4(Vectors.dense(1, 2, 3), null), "predictionCol \"prediction\"",
                "row 4 of partition 0", "null");
        assertRejected(measure, withRow4(Vectors.dense(1, 2, 3), -1.0), "predictionCol \"prediction\"",
                "row 4 of partition 0", "-1.0");
        assertRejected(measure, withRow4(Vectors.dense(1, 2, 3), 0.5), "predictionCol \"prediction\"",
                "row 4 of partition 0", "0.5");
    }

    @ParameterizedTest
    @ValueSource(strings = {"squaredEuclidean", "cosine", "euclidean"})
    void oneClassOrOneClassPerRowIsNotAScore(String measure) {
        List<Row> oneClass = new ArrayList<>();
        List<Row> everyRowItsOwn = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            oneClass.add(RowFactory.create(Vectors.dense(i, 1), 3.0));
            everyRowItsOwn.add(RowFactory.create(Vectors.dense(i, 1), (double) i));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), true)
                .add("prediction", DataTypes.DoubleType, true);
        assertRejected(measure, spark.createDataFrame(oneClass, schema).repartition(2),
                "predictionCol \"prediction\"", "1");
        assertRejected(measure, spark.createDataFrame(everyRowItsOwn, schema).repartition(2),
                "predictionCol \"prediction\"", "5");
        assertRejected(measure, spark.createDataFrame(new ArrayList<>(), schema), "featuresCol \"features\"",
                "no rows");
    }

    @Test
    void columnsMustExistWithASupportedType() {
        StructType schema = new StructType().add("features", DataTypes.StringType, true)
                .add("prediction", DataTypes.StringType, true)
                .add("vec", SQLDataTypes.VectorType(), true);
        Dataset<Row> data = spark.createDataFrame(List.of(RowFactory.create("a", "b", Vectors.dense(1))), schema);
        assertRejected("squaredEuclidean", data, "featuresCol \"features\"", "string");
        IllegalArgumentException label = assertThrows(IllegalArgumentException.class,
                () -> new SilhouetteEvaluator().setFeaturesCol("vec").evaluate(data));
        assertTrue(label.getMessage().contains("predictionCol \"prediction\"") && label.getMessage().contains(
                "string"), label.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new SilhouetteEvaluator().setFeaturesCol("nope").evaluate(data));
        assertTrue(missing.getMessage().contains("\"nope\": no such column")
                && missing.getMessage().contains(Arrays.toString(schema.fieldNames())), missing.getMessage());
    }

    @Test
    void weightsAndUnknownSettingsAreRefused() {
        SilhouetteEvaluator evaluator = new SilhouetteEvaluator();
        UnsupportedOperationException weights = assertThrows(UnsupportedOperationException.class,
                () -> evaluator.setWeightCol("w"));
        assertTrue(weights.getMessage().contains("weightCol \"w\""), weights.getMessage());
        assertThrows(IllegalArgumentException.class, () -> evaluator.setDistanceMeasure("manhattan"));
        assertThrows(IllegalArgumentException.class, () -> evaluator.setMetricName("accuracy"));
        assertThrows(IllegalArgumentException.class, () -> evaluator.setBlockRows(0));
    }
}
