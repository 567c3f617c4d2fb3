package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A second evaluation of the same arrays returns the first result; other arrays are computed afresh. */
class OncePerBatchTest {
    @Test
    void theSameArraysReturnTheSameResult() {
        Batches.Batch b = Batches.Batch.random(5, 12, 3, 3);
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.create(); NDManager m = NDManager.newBaseManager()) {
            SoftSilhouetteDjlLoss loss = new SoftSilhouetteDjlLoss(api);
            NDArray x = Batches.embeddings(m, b);
            NDArray y = Batches.labels(m, b);
            NDArray first = loss.evaluate(new NDList(y), new NDList(x));
            // DJL's accumulators wrap the same arrays in new lists.
            assertSame(first, loss.evaluate(new NDList(y), new NDList(x)));
            assertNotSame(first, loss.evaluate(new NDList(Batches.labels(m, b)), new NDList(x)), "other labels");
            NDArray copy = m.create(b.x(), new Shape(b.n(), b.d()));
            assertNotSame(first, loss.evaluate(new NDList(y), new NDList(copy)), "other embeddings");
            first.close();
            assertNotSame(first, loss.evaluate(new NDList(y), new NDList(x)), "a closed result is not reused");
        }
    }
}
