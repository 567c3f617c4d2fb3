package dev.softsilhouette.spark;

import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scores equal Spark's {@code ClusteringEvaluator} (squaredEuclidean, cosine) and scikit-learn's
 * {@code silhouette_score} (all three) to 1e-6 on iris and the digits, whatever the partitioning and block size.
 */
class MatchesReferenceScoresTest {
    private static final double TOLERANCE = 1e-6;
    private static SparkSession spark;
    private static Dataset<Row> iris;
    private static Dataset<Row> digits;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[2]");
        iris = LocalSpark.frame(spark, Fixtures.iris(), 3).cache();
        digits = LocalSpark.frame(spark, Fixtures.digits(), 4).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Dataset<Row> data(String name) {
        return name.equals("iris") ? iris : digits;
    }

    @Test
    void irisScoresAreTheOnesSparksOwnSuiteAsserts() {
        // ClusteringEvaluatorSuite: "squared euclidean Silhouette" 0.6564679231, "cosine Silhouette" 0.7222369298.
        assertEquals(0.6564679231, new SilhouetteEvaluator().evaluate(iris), TOLERANCE);
        assertEquals(0.7222369298, new SilhouetteEvaluator().setDistanceMeasure("cosine").evaluate(iris), TOLERANCE);
    }

    @ParameterizedTest
    @CsvSource({"iris, squaredEuclidean", "iris, cosine", "digits, squaredEuclidean", "digits, cosine"})
    void equalsClusteringEvaluator(String name, String measure) {
        double spark = new ClusteringEvaluator().setDistanceMeasure(measure).evaluate(data(name));
        double ours = new SilhouetteEvaluator().setDistanceMeasure(measure).evaluate(data(name));
        assertEquals(spark, ours, TOLERANCE);
    }

    @ParameterizedTest
    @CsvSource({"iris, euclidean, euclidean, 8192", "iris, euclidean, euclidean, 16",
            "digits, euclidean, euclidean, 8192", "digits, euclidean, euclidean, 500",
            "iris, sqeuclidean, squaredEuclidean, 7", "digits, cosine, cosine, 100"})
    void equalsScikitLearn(String name, String sklearnMetric, String measure, int blockRows) {
        double ours = new SilhouetteEvaluator().setDistanceMeasure(measure).setBlockRows(blockRows)
                .evaluate(data(name));
        assertEquals(Fixtures.sklearn(name, sklearnMetric), ours, TOLERANCE);
    }
}
