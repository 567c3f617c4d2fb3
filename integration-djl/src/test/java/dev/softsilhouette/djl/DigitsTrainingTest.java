package dev.softsilhouette.djl;

import ai.djl.training.loss.IndexLoss;
import ai.djl.training.loss.SimpleCompositeLoss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.datasets.SeedComparison;
import dev.softsilhouette.djl.example.DjlExample;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three epochs of DJL's EasyTrain on the digits with cross-entropy + soft silhouette raise the silhouette of the test
 * embeddings, and the kernel runs once per batch although the trainer evaluates the loss twice.
 */
class DigitsTrainingTest {
    @Test
    void threeEpochsRaiseTheTestSilhouetteWithOneKernelCallPerBatch() {
        Dataset data = Datasets.digits();
        DjlExample.Config three = new DjlExample.Config(3, 128, 1e-3f, 128, 32, 1.0,
                dev.softsilhouette.Metric.EUCLIDEAN, 0.1);
        DjlExample.Config none = new DjlExample.Config(0, 128, 1e-3f, 128, 32, 1.0,
                dev.softsilhouette.Metric.EUCLIDEAN, 0.1);
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.create()) {
            SoftSilhouetteDjlLoss silhouette = new SoftSilhouetteDjlLoss(SoftSilhouetteDjlLoss.DEFAULT_NAME, api, 1.0);
            SimpleCompositeLoss objective = new SimpleCompositeLoss()
                    .addLoss(new IndexLoss(new SoftmaxCrossEntropyLoss("CrossEntropy"), 0, 0))
                    .addLoss(new IndexLoss(silhouette, 1, 0));
            SeedComparison.Outcome before = DjlExample.train(data, none, 1, objective);
            SeedComparison.Outcome after = DjlExample.train(data, three, 1, objective);
            int batchesPerEpoch = (data.trainRows() + 127) / 128;
            assertEquals(3L * batchesPerEpoch, silhouette.computations(), "one kernel call per batch");
            assertTrue(after.testSilhouette() > before.testSilhouette() + 0.05, "test silhouette "
                    + before.testSilhouette() + " before, " + after.testSilhouette() + " after 3 epochs");
            assertTrue(after.accuracy() > before.accuracy() + 0.2,
                    "accuracy " + before.accuracy() + " before, " + after.accuracy() + " after 3 epochs");
        }
    }
}
