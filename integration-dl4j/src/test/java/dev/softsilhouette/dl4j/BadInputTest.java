package dev.softsilhouette.dl4j;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rejection is an IllegalArgumentException naming the array and its shape; the inputs are left as they were. */
class BadInputTest {
    private static final IActivation IDENTITY = Activation.IDENTITY.getActivationFunction();
    private final LossSoftSilhouette loss = new LossSoftSilhouette();

    private static INDArray embeddings() {
        return Nd4j.create(new float[][]{{0, 0}, {0, 1}, {3, 0}, {3, 1}});
    }

    private static INDArray indices() {
        return Nd4j.create(new float[][]{{0}, {0}, {1}, {1}});
    }

    private static void rejects(String expected, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void wrongRankOrEmpty() {
        rejects("preOutput (shape [2, 2, 1])", () -> loss.computeGradient(indices(),
                Nd4j.zeros(DataType.FLOAT, 2, 2, 1), IDENTITY, null));
        rejects("preOutput (shape [4])", () -> loss.computeScore(indices(), Nd4j.zeros(DataType.FLOAT, 4), IDENTITY,
                null, true));
    }

    @Test
    void labelsOfAnotherBatchOrNotOneHot() {
        rejects("labels (shape [3, 1]) must be one-hot [N, K] or class indices [N, 1] with N = 4",
                () -> loss.computeGradient(Nd4j.zeros(DataType.FLOAT, 3, 1), embeddings(), IDENTITY, null));
        rejects("labels (shape [4, 2, 1])", () -> loss.computeGradient(Nd4j.zeros(DataType.FLOAT, 4, 2, 1),
                embeddings(), IDENTITY, null));
        INDArray soft = Nd4j.create(new float[][]{{1, 0}, {0.5f, 0.5f}, {0, 1}, {0, 1}});
        rejects("labels (shape [4, 2]): row 1 is not one-hot", () -> loss.computeGradient(soft, embeddings(),
                IDENTITY, null));
        INDArray fractional = Nd4j.create(new float[][]{{0}, {0.5f}, {1}, {1}});
        rejects("labels (shape [4, 1]): row 1 is 0.5", () -> loss.computeGradient(fractional, embeddings(),
                IDENTITY, null));
        INDArray negative = Nd4j.create(new float[][]{{0}, {-1}, {1}, {1}});
        rejects("labels (shape [4, 1]): row 1 is -1.0", () -> loss.computeGradient(negative, embeddings(),
                IDENTITY, null));
        rejects("labels are null", () -> loss.computeGradient(null, embeddings(), IDENTITY, null));
    }

    @Test
    void perOutputOrWeightedMasks() {
        rejects("mask (shape [4, 2]) must be per example", () -> loss.computeGradient(indices(), embeddings(),
                IDENTITY, Nd4j.ones(DataType.FLOAT, 4, 2)));
        INDArray weighted = Nd4j.create(new float[][]{{1}, {0.5f}, {1}, {1}});
        rejects("mask (shape [4, 1]): row 1 is 0.5", () -> loss.computeGradient(indices(), embeddings(), IDENTITY,
                weighted));
    }

    @Test
    void nonFiniteEmbeddingsAreNamedWithTheirShape() {
        INDArray x = embeddings();
        x.putScalar(2, 1, Float.NaN);
        INDArray before = x.dup();
        rejects("activations of preOutput (shape [4, 2]): embeddings: row 2 column 1 is NaN",
                () -> loss.computeGradient(indices(), x, IDENTITY, null));
        assertEquals(before.toString(), x.toString()); // preOutput as it was
    }

    @Test
    void aFullyMaskedBatchScoresZero() {
        INDArray none = Nd4j.zeros(DataType.FLOAT, 4, 1);
        assertEquals(0.0, loss.computeScore(indices(), embeddings(), IDENTITY, none, true));
        assertEquals(Nd4j.zeros(DataType.FLOAT, 4, 2), loss.computeGradient(indices(), embeddings(), IDENTITY, none));
    }

    @Test
    void aPerSampleLossIsRefused() {
        try (var none = dev.softsilhouette.SoftSilhouetteLoss.builder()
                .reduction(dev.softsilhouette.Reduction.NONE).build()) {
            rejects("loss: reduction NONE", () -> new LossSoftSilhouette(none));
        }
    }

    @Test
    void weightMustBeFiniteAndNonNegative() {
        rejects("weight: must be finite and >= 0", () -> new LossSoftSilhouette(
                dev.softsilhouette.SoftSilhouetteLoss.create(), -1));
        rejects("weight: must be finite and >= 0", () -> new LossSoftSilhouette(
                dev.softsilhouette.SoftSilhouetteLoss.create(), Double.NaN));
    }
}
