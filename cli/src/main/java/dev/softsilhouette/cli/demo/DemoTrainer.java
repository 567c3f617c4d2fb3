package dev.softsilhouette.cli.demo;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Seeds;

import java.util.Random;

/**
 * Trains one {@link EmbeddingNetwork} with mini-batch Adam on cross-entropy, optionally plus an auxiliary objective of
 * each batch's embeddings ({@code lambda * SoftSilhouetteLoss}, SupCon, or the hybrid), and evaluates it on the test
 * set after every epoch.
 */
final class DemoTrainer {

    /** Hyper-parameters shared by both models of a comparison. */
    record Config(int epochs, int batchSize, double learningRate, int hidden, int embeddingDim, double lambda) {
    }

    /** Per-epoch curves and the final held-out evaluation of one trained model. */
    record Run(long seed, boolean withSilhouette, double[] trainCrossEntropy, double[] trainSilhouetteLoss,
               double[] testAccuracy, double testScore, float[] testEmbeddings, int embeddingDim,
               double secondsPerEpoch, double silhouetteSecondsPerEpoch) {

        double finalAccuracy() {
            return testAccuracy[testAccuracy.length - 1];
        }
    }

    /** A loss of one batch's embeddings that writes its gradient: the term added to cross-entropy. */
    interface Auxiliary {
        /** The loss of {@code rows} embeddings of {@code dims} values, and its gradient into {@code gradient}. */
        double forwardBackward(Floats embeddings, Ints labels, int rows, int dims, Floats gradient);
    }

    /** Called after each epoch with the number of epochs done. */
    interface EpochListener {
        void epochDone(int epoch);
    }

    private DemoTrainer() {
    }

    static Run train(Dataset data, Config config, long seed, boolean withSilhouette, SoftSilhouetteLoss loss,
                     EpochListener listener) {
        return train(data, config, seed, withSilhouette ? loss::forwardBackward : null, (float) config.lambda(), loss,
                listener);
    }

    /**
     * @param auxiliary the term added to cross-entropy, or null for cross-entropy alone
     * @param weight    its weight in the gradient
     * @param monitor   the soft silhouette of the curves and the test score (and the auxiliary's curve when null)
     */
    static Run train(Dataset data, Config config, long seed, Auxiliary auxiliary, float weight,
                     SoftSilhouetteLoss monitor, EpochListener listener) {
        boolean withSilhouette = auxiliary != null;
        SoftSilhouetteLoss loss = monitor;
        Random random = new Random(seed);
        int d = data.features();
        int batch = Math.min(config.batchSize(), data.trainRows());
        EmbeddingNetwork net = new EmbeddingNetwork(d, config.hidden(), config.embeddingDim(), data.classes(), batch,
                random);
        Adam adam = new Adam(config.learningRate());
        int n = data.trainRows();
        int e = config.embeddingDim();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        float[] xb = new float[batch * d];
        int[] yb = new int[batch];
        float[] silhouetteGradient = new float[batch * e];
        Floats embeddingView = Floats.of(net.embeddingOut);
        Floats gradientView = Floats.of(silhouetteGradient);
        Ints labelView = Ints.of(yb);

        double[] ceCurve = new double[config.epochs()];
        double[] silCurve = new double[config.epochs()];
        double[] accCurve = new double[config.epochs()];
        long trainNanos = 0;
        long silhouetteNanos = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            Seeds.shuffle(order, random);
            double ceSum = 0;
            double silSum = 0;
            int batches = 0;
            long epochStart = System.nanoTime();
            long monitorNanos = 0;
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                for (int r = 0; r < rows; r++) {
                    int i = order[start + r];
                    System.arraycopy(data.trainX(), i * d, xb, r * d, d);
                    yb[r] = data.trainY()[i];
                }
                net.forward(xb, rows);
                ceSum += net.crossEntropy(yb, rows);
                long t0 = System.nanoTime();
                if (withSilhouette) {
                    silSum += auxiliary.forwardBackward(embeddingView, labelView, rows, e, gradientView);
                    silhouetteNanos += System.nanoTime() - t0;
                    net.backwardAndStep(xb, rows, silhouetteGradient, weight, adam);
                } else {
                    // Monitoring only, for the curve: not part of this model's training time.
                    silSum += loss.forward(embeddingView, labelView, rows, e);
                    monitorNanos += System.nanoTime() - t0;
                    net.backwardAndStep(xb, rows, null, 0f, adam);
                }
                batches++;
            }
            trainNanos += System.nanoTime() - epochStart - monitorNanos;
            ceCurve[epoch] = ceSum / batches;
            silCurve[epoch] = silSum / batches;
            accCurve[epoch] = accuracy(net, data, null);
            listener.epochDone(epoch + 1);
        }
        float[] testEmbeddings = new float[data.testRows() * e];
        accCurve[config.epochs() - 1] = accuracy(net, data, testEmbeddings);
        double score = loss.score(Floats.of(testEmbeddings), Ints.of(data.testY()), data.testRows(), e);
        return new Run(seed, withSilhouette, ceCurve, silCurve, accCurve, score, testEmbeddings, e,
                trainNanos / 1e9 / config.epochs(), silhouetteNanos / 1e9 / config.epochs());
    }

    /** Top-1 accuracy on the test set; copies the test embeddings into {@code embeddingsOut} when not null. */
    private static double accuracy(EmbeddingNetwork net, Dataset data, float[] embeddingsOut) {
        int d = data.features();
        int e = net.embedding;
        int correct = 0;
        int n = data.testRows();
        float[] xb = new float[net.maxRows() * d];
        for (int start = 0; start < n; start += net.maxRows()) {
            int rows = Math.min(net.maxRows(), n - start);
            System.arraycopy(data.testX(), start * d, xb, 0, rows * d);
            net.forward(xb, rows);
            for (int r = 0; r < rows; r++) {
                if (net.predicted(r) == data.testY()[start + r]) {
                    correct++;
                }
            }
            if (embeddingsOut != null) {
                System.arraycopy(net.embeddingOut, 0, embeddingsOut, start * e, rows * e);
            }
        }
        return (double) correct / n;
    }
}
