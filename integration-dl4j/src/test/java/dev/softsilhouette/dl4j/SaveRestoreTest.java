package dev.softsilhouette.dl4j;

import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.io.File;
import java.io.IOException;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A network saved with ModelSerializer and restored keeps the loss, its settings, its score and its training. */
class SaveRestoreTest {
    private static final int N = 32;
    private static final int IN = 6;

    private static DataSet data(long seed) {
        Random random = new Random(seed);
        float[][] x = new float[N][IN];
        float[][] y = new float[N][3];
        for (int i = 0; i < N; i++) {
            int c = i % 3;
            for (int t = 0; t < IN; t++) {
                x[i][t] = (float) (random.nextGaussian() + (t == c ? 2 : 0));
            }
            y[i][c] = 1;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    @Test
    void multiLayerNetworkRoundTrip(@TempDir File dir) throws IOException {
        LossSoftSilhouette loss = new LossSoftSilhouette(
                SoftSilhouetteLoss.builder().metric(Metric.COSINE).temperature(0.25).build(), 0.75);
        MultiLayerNetwork net = Networks.outputLayer(DataType.FLOAT, new Adam(1e-2), 42, IN, 8, 4, Activation.TANH,
                loss);
        DataSet data = data(1);
        net.fit(data);
        File file = new File(dir, "net.zip");
        ModelSerializer.writeModel(net, file, true);

        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        assertTrue(conf.toJson().contains("\"@class\" : \"dev.softsilhouette.dl4j.LossSoftSilhouette\""),
                conf.toJson());
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        LossSoftSilhouette restoredLoss = assertInstanceOf(LossSoftSilhouette.class,
                ((BaseOutputLayer) restored.getLayerWiseConfigurations().getConf(1).getLayer()).getLossFn());
        assertEquals(loss, restoredLoss);
        assertEquals(Metric.COSINE, restoredLoss.metric());
        assertEquals(0.25, restoredLoss.temperature());
        assertEquals(0.75, restoredLoss.weight());
        assertEquals(Metric.COSINE, restoredLoss.loss().metric());
        assertEquals(conf, restored.getLayerWiseConfigurations());
        assertEquals(net.params(), restored.params());
        assertEquals(net.score(data), restored.score(data), 1e-6);

        // Training continues identically from the restored updater state.
        net.fit(data);
        restored.fit(data);
        assertEquals(net.params(), restored.params());
        assertNotEquals(0.0, restored.score(data));
    }

    @Test
    void computationGraphRoundTrip(@TempDir File dir) throws IOException {
        LossSoftSilhouette loss = new LossSoftSilhouette(
                SoftSilhouetteLoss.builder().metric(Metric.SQUARED_EUCLIDEAN).temperature(0.0).build());
        ComputationGraph net = Networks.twoOutputs(DataType.FLOAT, new Adam(1e-2), 42, IN, 8, 4, 3, Activation.RELU,
                loss);
        DataSet single = data(2);
        MultiDataSet data = new MultiDataSet(new INDArray[]{single.getFeatures()},
                new INDArray[]{single.getLabels(), single.getLabels()});
        net.fit(data);
        File file = new File(dir, "graph.zip");
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        LayerVertex vertex = assertInstanceOf(LayerVertex.class,
                restored.getConfiguration().getVertices().get("silhouette"));
        assertEquals(loss, assertInstanceOf(LossLayer.class, vertex.getLayerConf().getLayer()).getLossFn());
        assertEquals(net.getConfiguration(), restored.getConfiguration());
        assertEquals(net.score(data), restored.score(data), 1e-6);
    }
}
