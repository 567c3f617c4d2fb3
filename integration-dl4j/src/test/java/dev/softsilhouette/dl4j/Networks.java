package dev.softsilhouette.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The small networks the tests train and check: the loss on an OutputLayer, on a LossLayer, in a two-output graph. */
final class Networks {
    private Networks() {
    }

    /** in -> hidden (tanh) -> OutputLayer with the loss, {@code outActivation} on the embedding. */
    static MultiLayerNetwork outputLayer(DataType type, IUpdater updater, long seed, int in, int hidden, int dims,
                                         Activation outActivation, LossSoftSilhouette loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(seed).updater(updater).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(in).nOut(hidden).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder().lossFunction(loss).nIn(hidden).nOut(dims)
                        .activation(outActivation).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** in -> embedding (dense, identity) -> LossLayer with the loss (sigmoid on the embedding). */
    static MultiLayerNetwork lossLayer(DataType type, IUpdater updater, long seed, int in, int dims,
                                       LossSoftSilhouette loss) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(seed).updater(updater).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(in).nOut(dims).activation(Activation.IDENTITY).build())
                .layer(new LossLayer.Builder().lossFunction(loss).activation(Activation.SIGMOID).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * The objective of the paper: in -> hidden ({@code hiddenActivation}) -> embedding (identity), then two outputs:
     * {@code "classes"} (softmax cross-entropy) and {@code "silhouette"} (a LossLayer with the loss on the
     * embedding). Both take the same one-hot labels.
     */
    static ComputationGraph twoOutputs(DataType type, IUpdater updater, long seed, int in, int hidden, int dims,
                                       int classes, Activation hiddenActivation, LossSoftSilhouette loss) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(type).seed(seed).updater(updater).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(in).nOut(hidden).activation(hiddenActivation)
                        .build(), "in")
                .addLayer("embedding", new DenseLayer.Builder().nIn(hidden).nOut(dims)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .addLayer("classes", new OutputLayer.Builder().lossFunction(LossFunctions.LossFunction.MCXENT)
                        .nIn(dims).nOut(classes).activation(Activation.SOFTMAX).build(), "embedding")
                .addLayer("silhouette", new LossLayer.Builder().lossFunction(loss).activation(Activation.IDENTITY)
                        .build(), "embedding")
                .setOutputs("classes", "silhouette")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }
}
