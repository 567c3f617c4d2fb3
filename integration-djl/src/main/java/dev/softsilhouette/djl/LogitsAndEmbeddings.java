package dev.softsilhouette.djl;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

import java.util.List;

/**
 * The block the paper's objective trains: an embedding network followed by a linear classifier, with two outputs,
 * {@code (logits, embeddings)}, for {@link SoftSilhouetteDjlLoss#withCrossEntropy}.
 */
public final class LogitsAndEmbeddings {
    private LogitsAndEmbeddings() {
    }

    /**
     * {@code embedder} then, in parallel, a {@link Linear} layer of {@code classes} units (the logits) and the
     * embeddings themselves.
     */
    public static Block of(Block embedder, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes: a classifier needs at least 2, got " + classes);
        }
        ParallelBlock heads = new ParallelBlock(
                outputs -> new NDList(outputs.get(0).singletonOrThrow(), outputs.get(1).singletonOrThrow()),
                List.of(Linear.builder().setUnits(classes).build(), LambdaBlock.singleton(x -> x)));
        return new SequentialBlock().add(embedder).add(heads);
    }
}
