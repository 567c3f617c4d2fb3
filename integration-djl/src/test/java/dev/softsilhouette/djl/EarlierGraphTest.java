package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient of a loss whose autograd graph is still alive when the same loss evaluates the next batch (gradient
 * accumulation: two losses, then one backward) is its own batch's: each evaluation's gradient tensor is its own, so
 * a later evaluation of the same shape cannot write into the memory an earlier graph will read in its backward.
 */
class EarlierGraphTest {
    private static final int N = 40;
    private static final int D = 6;

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void twoLossesThenOneBackwardGiveEachBatchItsOwnGradient(Reduction reduction) {
        Batches.Batch first = Batches.Batch.random(11, N, D, 4);
        Batches.Batch second = Batches.Batch.random(12, N, D, 4);
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().metric(Metric.SQUARED_EUCLIDEAN)
                     .reduction(reduction).build();
             NDManager manager = NDManager.newBaseManager()) {
            SoftSilhouetteDjlLoss loss = new SoftSilhouetteDjlLoss(api);
            NDArray x1 = Batches.embeddings(manager, first);
            NDArray x2 = Batches.embeddings(manager, second);
            x1.setRequiresGradient(true);
            x2.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray l1 = loss.evaluate(new NDList(Batches.labels(manager, first)), new NDList(x1));
                NDArray l2 = loss.evaluate(new NDList(Batches.labels(manager, second)), new NDList(x2));
                collector.backward(l1.add(l2));
            }
            assertOwnGradient(api, first, x1, reduction + ", first batch");
            assertOwnGradient(api, second, x2, reduction + ", second batch");
        }
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void anEarlierLossDifferentiatedAfterALaterEvaluationGetsItsOwnGradient(Reduction reduction) {
        Batches.Batch first = Batches.Batch.random(21, N, D, 3);
        Batches.Batch second = Batches.Batch.random(22, N, D, 3);
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().reduction(reduction).build();
             NDManager manager = NDManager.newBaseManager()) {
            SoftSilhouetteDjlLoss loss = new SoftSilhouetteDjlLoss(api);
            NDArray x1 = Batches.embeddings(manager, first);
            x1.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray l1 = loss.evaluate(new NDList(Batches.labels(manager, first)), new NDList(x1));
                try (NDManager later = manager.newSubManager()) {
                    NDArray x2 = Batches.embeddings(later, second);
                    x2.setRequiresGradient(true);
                    loss.evaluate(new NDList(Batches.labels(later, second)), new NDList(x2));
                }
                collector.backward(l1);
            }
            assertOwnGradient(api, first, x1, reduction + ", after a later batch was evaluated and closed");
        }
    }

    private static void assertOwnGradient(SoftSilhouetteLoss api, Batches.Batch b, NDArray x, String where) {
        float[] expected = new float[b.x().length];
        if (api.reduction() == Reduction.NONE) {
            float[] ones = new float[b.n()];
            Arrays.fill(ones, 1f);
            api.forwardBackward(Floats.of(b.x()), Ints.of(b.y()), b.n(), b.d(), Floats.of(ones),
                    Floats.of(new float[b.n()]), Floats.of(expected));
        } else {
            api.forwardBackward(Floats.of(b.x()), Ints.of(b.y()), b.n(), b.d(), Floats.of(expected));
        }
        double error = Batches.relativeError(x.getGradient().toFloatArray(), expected);
        assertTrue(error <= 1e-6, where + ": relative gradient error " + error);
    }
}
