package dev.softsilhouette.spark;

import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

/** Saved and loaded like Spark's evaluators (DefaultParamsWritable / DefaultParamsReader), and copied. */
class ReadWriteTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start("local[1]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void saveAndLoadKeepTheUidAndEveryParameter(@TempDir Path dir) throws Exception {
        SilhouetteEvaluator saved = new SilhouetteEvaluator().setFeaturesCol("embedding").setPredictionCol("cluster")
                .setDistanceMeasure("euclidean").setBlockRows(1234).setBackend("reference");
        String path = dir.resolve("evaluator").toString();
        saved.save(path);
        SilhouetteEvaluator loaded = SilhouetteEvaluator.load(path);
        assertEquals(saved.uid(), loaded.uid());
        assertEquals("embedding", loaded.getFeaturesCol());
        assertEquals("cluster", loaded.getPredictionCol());
        assertEquals("euclidean", loaded.getDistanceMeasure());
        assertEquals("silhouette", loaded.getMetricName());
        assertEquals(1234, loaded.getBlockRows());
        assertEquals("reference", loaded.getBackend());
        assertEquals(saved.extractParamMap().toString(), loaded.extractParamMap().toString());
    }

    @Test
    void copyKeepsTheUidAndAppliesTheExtraParameters() {
        SilhouetteEvaluator original = new SilhouetteEvaluator().setFeaturesCol("embedding");
        SilhouetteEvaluator copy = original.copy(new ParamMap().put(original.distanceMeasure(), "cosine"));
        assertNotSame(original, copy);
        assertEquals(original.uid(), copy.uid());
        assertEquals("embedding", copy.getFeaturesCol());
        assertEquals("cosine", copy.getDistanceMeasure());
        assertEquals("squaredEuclidean", original.getDistanceMeasure());
    }
}
