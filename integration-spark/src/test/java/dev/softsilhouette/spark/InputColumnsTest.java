package dev.softsilhouette.spark;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every supported column type gives the score of dense vectors with double labels: sparse vectors, array<float>,
 * array<double>; byte, short, int, long, float and double labels; for every distance measure; the columns found by
 * name in any order, among others or not.
 */
class InputColumnsTest {
    private static SparkSession spark;
    private static Fixtures.Data iris;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]");
        iris = Fixtures.iris();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"squaredEuclidean", "cosine", "euclidean"})
    void everyFeatureTypeAndLabelTypeGivesTheSameScore(String measure) {
        SilhouetteEvaluator evaluator = new SilhouetteEvaluator().setDistanceMeasure(measure)
                .setFeaturesCol("x").setPredictionCol("y");
        double expected = evaluator.evaluate(frame("dense", DataTypes.DoubleType));
        for (String features : new String[] {"sparse", "floats", "doubles"}) {
            assertEquals(expected, evaluator.evaluate(frame(features, DataTypes.DoubleType)), 1e-12, features);
        }
        for (DataType label : new DataType[] {DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
                DataTypes.LongType, DataTypes.FloatType}) {
            assertEquals(expected, evaluator.evaluate(frame("dense", label)), 1e-12, label.simpleString());
        }
    }

    /**
     * The columns are found by name, wherever they stand: label first, an extra column (read through a projection
     * onto the two), and a cached data set of just the two columns (read through its own plan, twice).
     */
    @ParameterizedTest
    @ValueSource(strings = {"squaredEuclidean", "cosine", "euclidean"})
    void columnOrderExtraColumnsAndCachingGiveTheSameScore(String measure) {
        SilhouetteEvaluator evaluator = new SilhouetteEvaluator().setDistanceMeasure(measure)
                .setFeaturesCol("x").setPredictionCol("y");
        Dataset<Row> dense = frame("dense", DataTypes.DoubleType);
        double expected = evaluator.evaluate(dense);
        assertEquals(expected, evaluator.evaluate(dense.select("y", "x")), 1e-12, "label first");
        assertEquals(expected, evaluator.evaluate(dense.withColumn("z", org.apache.spark.sql.functions.lit(-1.0))
                .select("z", "y", "x")), 1e-12, "an extra column");
        Dataset<Row> cached = dense.select("y", "x").cache();
        try {
            cached.count();
            assertEquals(expected, evaluator.evaluate(cached), 1e-12, "cached");
            assertEquals(expected, evaluator.evaluate(cached), 1e-12, "cached, again");
        } finally {
            cached.unpersist();
        }
    }

    /** Iris in columns x (the given feature type) and y (the given label type); sparse vectors drop zeros. */
    private static Dataset<Row> frame(String features, DataType labelType) {
        DataType featureType = switch (features) {
            case "dense", "sparse" -> SQLDataTypes.VectorType();
            case "floats" -> DataTypes.createArrayType(DataTypes.FloatType, false);
            default -> DataTypes.createArrayType(DataTypes.DoubleType, false);
        };
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < iris.labels().length; i++) {
            double[] x = iris.features()[i].clone();
            x[i % x.length] = 0.0;  // zeros, so the sparse vectors are sparse
            Object value = switch (features) {
                case "dense" -> Vectors.dense(x);
                case "sparse" -> sparse(x);
                case "floats" -> floats(x);
                default -> doubles(x);
            };
            rows.add(RowFactory.create(value, label(iris.labels()[i], labelType)));
        }
        StructType schema = new StructType().add("x", featureType, true).add("y", labelType, true);
        return spark.createDataFrame(rows, schema).repartition(3);
    }

    private static Vector sparse(double[] x) {
        return Vectors.dense(x).toSparse();
    }

    private static Object floats(double[] x) {
        Float[] f = new Float[x.length];
        for (int t = 0; t < x.length; t++) {
            f[t] = (float) x[t];
        }
        return f;
    }

    private static Object doubles(double[] x) {
        Double[] d = new Double[x.length];
        for (int t = 0; t < x.length; t++) {
            d[t] = x[t];
        }
        return d;
    }

    private static Object label(int y, DataType type) {
        if (type.equals(DataTypes.ByteType)) {
            return (byte) y;
        } else if (type.equals(DataTypes.ShortType)) {
            return (short) y;
        } else if (type.equals(DataTypes.IntegerType)) {
            return y;
        } else if (type.equals(DataTypes.LongType)) {
            return (long) y;
        } else if (type.equals(DataTypes.FloatType)) {
            return (float) y;
        }
        return (double) y;
    }
}
