package dev.softsilhouette.dl4j;

import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's own gradient check (central differences on every parameter, step 1e-6, relative error 1e-3, DOUBLE) with
 * the loss at tau 0.1 for every metric: on an OutputLayer with a tanh embedding, on a LossLayer with a sigmoid, in
 * a two-output graph beside cross-entropy, and with a label mask.
 */
class GradientCheckTest {
    private static final long SEED = 12345;
    private static final int N = 12;
    private static final int IN = 4;
    private static final int[] CLASSES = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 3}; // class 3 is a singleton
    private static DataType previousDefault;
    private static DataType previousFloatingDefault;

    @BeforeAll
    static void doublePrecision() {
        previousDefault = Nd4j.dataType();
        previousFloatingDefault = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDefault, previousFloatingDefault);
    }

    /** N x IN uniform in [-1, 1), fixed seed. */
    static INDArray features() {
        java.util.Random random = new java.util.Random(SEED);
        double[][] x = new double[N][IN];
        for (double[] row : x) {
            for (int t = 0; t < IN; t++) {
                row[t] = 2 * random.nextDouble() - 1;
            }
        }
        return Nd4j.create(x);
    }

    static INDArray oneHot(int classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, N, classes);
        for (int i = 0; i < N; i++) {
            y.putScalar(i, CLASSES[i], 1.0);
        }
        return y;
    }

    static INDArray indices() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, N, 1);
        for (int i = 0; i < N; i++) {
            y.putScalar(i, 0, CLASSES[i]);
        }
        return y;
    }

    private static LossSoftSilhouette loss(Metric metric) {
        return new LossSoftSilhouette(SoftSilhouetteLoss.builder().metric(metric).temperature(0.1).build());
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void outputLayerWithTanhEmbedding(Metric metric) {
        MultiLayerNetwork net = Networks.outputLayer(DataType.DOUBLE, new NoOp(), SEED, IN, 6, 3, Activation.TANH,
                loss(metric));
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features())
                .labels(oneHot(4)).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)), metric.toString());
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void lossLayerWithIndexLabels(Metric metric) {
        MultiLayerNetwork net = Networks.lossLayer(DataType.DOUBLE, new NoOp(), SEED, IN, 3, loss(metric));
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features())
                .labels(indices()).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)), metric.toString());
    }

    @ParameterizedTest
    @EnumSource(Metric.class)
    void graphWithCrossEntropyAndSilhouetteOutputs(Metric metric) {
        ComputationGraph net = Networks.twoOutputs(DataType.DOUBLE, new NoOp(), SEED, IN, 5, 3, 4, Activation.TANH,
                new LossSoftSilhouette(SoftSilhouetteLoss.builder().metric(metric).build(), 0.5));
        INDArray y = oneHot(4);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{features()}).labels(new INDArray[]{y, y})
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)), metric.toString());
    }

    @Test
    void maskedRowsLeaveTheBatch() {
        MultiLayerNetwork net = Networks.outputLayer(DataType.DOUBLE, new NoOp(), SEED, IN, 6, 3, Activation.TANH,
                loss(Metric.EUCLIDEAN));
        INDArray mask = Nd4j.ones(DataType.DOUBLE, N, 1);
        mask.putScalar(1, 0, 0.0);
        mask.putScalar(6, 0, 0.0);
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(features())
                .labels(oneHot(4)).labelMask(mask).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)));
    }
}
