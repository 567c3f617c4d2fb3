package dev.softsilhouette.dl4j;

import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.dl4j.example.DigitsExample;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three epochs of the example's two-output graph on the digits raise the silhouette of the test embeddings. */
class DigitsTrainingTest {

    @Test
    void threeEpochsRaiseTheTestSilhouette() {
        Dataset digits = Datasets.digits();
        DigitsExample.Config config = new DigitsExample.Config(3, 128, 1e-3, 128, 32, 1.0,
                dev.softsilhouette.Metric.EUCLIDEAN, 0.1);
        long seed = 1;
        ComputationGraph untrained = DigitsExample.network(config, digits.features(), digits.classes(), seed,
                new LossSoftSilhouette());
        DigitsExample.Result before = DigitsExample.evaluate(untrained, digits, 0);
        DigitsExample.Result after = DigitsExample.train(digits, config, seed, true);
        assertTrue(after.testSilhouette() > before.testSilhouette() + 0.05,
                "test silhouette before " + before.testSilhouette() + ", after 3 epochs " + after.testSilhouette());
        assertTrue(after.accuracy() > before.accuracy(), "accuracy before " + before.accuracy() + ", after "
                + after.accuracy());
    }
}
