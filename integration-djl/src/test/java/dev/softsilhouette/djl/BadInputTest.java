package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every rejected input: an IllegalArgumentException naming the array and its shape; nothing of the caller's changed. */
class BadInputTest {
    private static SoftSilhouetteLoss api;
    private static SoftSilhouetteDjlLoss loss;
    private NDManager manager;

    @BeforeAll
    static void build() {
        api = SoftSilhouetteLoss.create();
        loss = new SoftSilhouetteDjlLoss(api);
    }

    @AfterAll
    static void close() {
        api.close();
    }

    private static final float[] X = {0, 0, 1, 0, 0, 1, 1, 1, 2, 2, 3, 3};
    private static final int[] Y = {0, 0, 1, 1};

    /** Calls the loss on what {@code make} builds; asserts the message names the words and the inputs kept. */
    private void rejected(Function<NDManager, NDList[]> make, String... words) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList[] in = make.apply(m);
            NDArray x = in[1].get(0);
            x.setRequiresGradient(true);
            float[] before = x.toType(DataType.FLOAT32, true).toFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> loss.evaluate(in[0], in[1]));
            for (String w : words) {
                assertTrue(e.getMessage().contains(w), "'" + e.getMessage() + "' names " + w);
            }
            assertArrayEquals(before, x.toType(DataType.FLOAT32, true).toFloatArray(), "embeddings kept");
            assertArrayEquals(new float[before.length], x.getGradient().toType(DataType.FLOAT32, true)
                    .toFloatArray(), "no gradient written");
        }
    }

    private static NDList[] of(NDArray labels, NDArray embeddings) {
        return new NDList[] {new NDList(labels), new NDList(embeddings)};
    }

    @Test
    void embeddingsOfRankOne() {
        rejected(m -> of(m.create(Y), m.create(X)), "embeddings", "rank 2", "(12)");
    }

    @Test
    void embeddingsOfRankThree() {
        rejected(m -> of(m.create(Y), m.create(X, new Shape(4, 3, 1))), "embeddings", "(4, 3, 1)");
    }

    @Test
    void labelsOfAnotherN() {
        rejected(m -> of(m.create(new int[] {0, 1, 1}), m.create(X, new Shape(4, 3))),
                "labels", "(3)", "(4, 3)");
    }

    @Test
    void float16EmbeddingsAreRejectedWithTheWayOut() {
        rejected(m -> of(m.create(Y), m.create(X, new Shape(4, 3)).toType(DataType.FLOAT16, false)),
                "embeddings", "float16", "(4, 3)", "FLOAT32");
    }

    @Test
    void nanEmbeddings() {
        float[] x = X.clone();
        x[7] = Float.NaN;
        rejected(m -> of(m.create(Y), m.create(x, new Shape(4, 3))), "embeddings", "(4, 3)", "row 2");
    }

    @Test
    void infiniteFloat64Embeddings() {
        double[] x = new double[X.length];
        x[4] = Double.POSITIVE_INFINITY;
        rejected(m -> of(m.create(Y), m.create(x, new Shape(4, 3))), "embeddings", "(4, 3)");
    }

    @Test
    void negativeLabels() {
        rejected(m -> of(m.create(new int[] {0, -1, 1, 1}), m.create(X, new Shape(4, 3))), "labels", "(4)", "-1");
    }

    @Test
    void fractionalFloatLabels() {
        rejected(m -> of(m.create(new float[] {0, 0.5f, 1, 1}), m.create(X, new Shape(4, 3))), "labels", "0.5");
    }

    @Test
    void oneHotRowsWithTwoOnes() {
        rejected(m -> of(m.create(new float[] {1, 0, 1, 1, 0, 1, 0, 1}, new Shape(4, 2)),
                m.create(X, new Shape(4, 3))), "labels", "row 1", "one-hot");
    }

    @Test
    void twoPredictions() {
        rejected(m -> new NDList[] {new NDList(m.create(Y)),
                new NDList(m.create(X, new Shape(4, 3)), m.create(X, new Shape(4, 3)))}, "predictions", "IndexLoss");
    }

    @Test
    void float64EmbeddingsWithReductionNone() {
        try (SoftSilhouetteLoss none = SoftSilhouetteLoss.builder().reduction(Reduction.NONE).build();
             NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SoftSilhouetteDjlLoss(none).evaluate(new NDList(m.create(Y)),
                            new NDList(m.create(new double[12], new Shape(4, 3)))));
            assertTrue(e.getMessage().contains("NONE") && e.getMessage().contains("(4, 3)"), e.getMessage());
        }
    }

    @Test
    void labelsInEveryAcceptedFormGiveTheSameLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(X, new Shape(4, 3));
            float expected = loss.evaluate(new NDList(m.create(Y)), new NDList(x)).getFloat();
            NDArray[] forms = {m.create(new long[] {0, 0, 1, 1}), m.create(new float[] {0, 0, 1, 1}),
                    m.create(new double[] {0, 0, 1, 1}, new Shape(4, 1)),
                    m.create(new float[] {1, 0, 1, 0, 0, 1, 0, 1}, new Shape(4, 2)),
                    m.create(Y, new Shape(4, 1))};
            for (NDArray y : forms) {
                assertEquals(expected, loss.evaluate(new NDList(y), new NDList(x)).getFloat(), y.toString());
            }
        }
    }
}
