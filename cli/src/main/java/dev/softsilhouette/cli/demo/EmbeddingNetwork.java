package dev.softsilhouette.cli.demo;

import java.util.Random;

/**
 * The demo's model: {@code input -> hidden (ReLU) -> embedding (linear) -> class logits}. The embedding layer's
 * output is what the soft silhouette loss sees and what the plot projects; the classifier on top reads it linearly.
 * Buffers are sized for {@code maxRows} rows and reused for every batch.
 */
final class EmbeddingNetwork {
    final int inputs;
    final int hidden;
    final int embedding;
    final int classes;
    private final DenseLayer toHidden;
    private final DenseLayer toEmbedding;
    private final DenseLayer toLogits;
    private final int maxRows;

    // Activations and gradients of the current batch.
    final float[] hiddenOut;
    final float[] embeddingOut;
    final float[] logits;
    final float[] dLogits;
    final float[] dEmbedding;
    private final float[] dHidden;

    EmbeddingNetwork(int inputs, int hidden, int embedding, int classes, int maxRows, Random random) {
        this.inputs = inputs;
        this.hidden = hidden;
        this.embedding = embedding;
        this.classes = classes;
        this.maxRows = maxRows;
        this.toHidden = new DenseLayer(inputs, hidden, Math.sqrt(2), random);
        this.toEmbedding = new DenseLayer(hidden, embedding, 1, random);
        this.toLogits = new DenseLayer(embedding, classes, 1, random);
        this.hiddenOut = new float[maxRows * hidden];
        this.embeddingOut = new float[maxRows * embedding];
        this.logits = new float[maxRows * classes];
        this.dLogits = new float[maxRows * classes];
        this.dEmbedding = new float[maxRows * embedding];
        this.dHidden = new float[maxRows * hidden];
    }

    int maxRows() {
        return maxRows;
    }

    /** Fills {@link #hiddenOut}, {@link #embeddingOut} and {@link #logits} for {@code rows} rows of {@code x}. */
    void forward(float[] x, int rows) {
        toHidden.forward(x, rows, hiddenOut);
        for (int i = 0, end = rows * hidden; i < end; i++) {
            hiddenOut[i] = Math.max(0f, hiddenOut[i]);
        }
        toEmbedding.forward(hiddenOut, rows, embeddingOut);
        toLogits.forward(embeddingOut, rows, logits);
    }

    /**
     * Mean softmax cross-entropy of the batch; writes {@code dLogits = (softmax - onehot) / rows}.
     */
    double crossEntropy(int[] y, int rows) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int o = r * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[o + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[o + c] - max);
            }
            double logSum = Math.log(sum) + max;
            total += logSum - logits[o + y[r]];
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(logits[o + c] - logSum);
                dLogits[o + c] = (float) ((p - (c == y[r] ? 1 : 0)) / rows);
            }
        }
        return total / rows;
    }

    /**
     * Backpropagates {@code dLogits}, plus {@code extraWeight * extraEmbeddingGradient} added at the embedding
     * (null: none), and takes one Adam step.
     */
    void backwardAndStep(float[] x, int rows, float[] extraEmbeddingGradient, float extraWeight, Adam adam) {
        toHidden.zeroGradients();
        toEmbedding.zeroGradients();
        toLogits.zeroGradients();
        toLogits.backward(embeddingOut, dLogits, rows, dEmbedding);
        if (extraEmbeddingGradient != null) {
            for (int i = 0, end = rows * embedding; i < end; i++) {
                dEmbedding[i] += extraWeight * extraEmbeddingGradient[i];
            }
        }
        toEmbedding.backward(hiddenOut, dEmbedding, rows, dHidden);
        for (int i = 0, end = rows * hidden; i < end; i++) {
            if (hiddenOut[i] <= 0f) {
                dHidden[i] = 0f;
            }
        }
        toHidden.backward(x, dHidden, rows, null);
        adam.nextStep();
        toHidden.step(adam);
        toEmbedding.step(adam);
        toLogits.step(adam);
    }

    /** The predicted class of row {@code r} of the last forward pass. */
    int predicted(int r) {
        int best = 0;
        int o = r * classes;
        for (int c = 1; c < classes; c++) {
            if (logits[o + c] > logits[o + best]) {
                best = c;
            }
        }
        return best;
    }
}
