package dev.softsilhouette.dl4j;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonAutoDetect;
import org.nd4j.shade.jackson.annotation.JsonIgnore;

import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * The soft silhouette as a Deeplearning4j loss: put it on an {@code OutputLayer} or a {@code LossLayer} whose
 * activations are the embeddings, with class labels, in a {@code MultiLayerNetwork} or as one output of a
 * {@code ComputationGraph} (beside a softmax cross-entropy head for the objective of the paper).
 *
 * <pre>{@code
 * .addLayer("silhouette", new LossLayer.Builder()
 *         .lossFunction(new LossSoftSilhouette(SoftSilhouetteLoss.builder().metric(Metric.COSINE).build()))
 *         .activation(Activation.IDENTITY).build(), "embedding")
 * }</pre>
 *
 * <p><b>Embeddings.</b> The layer's pre-activations {@code [N, D]} go through the layer's activation function;
 * the soft silhouette of the activated rows is the loss, and its gradient is backpropagated through the activation.
 *
 * <p><b>Labels.</b> One-hot {@code [N, K]} (K &gt;= 2; each row one 1, the rest 0) or class indices {@code [N, 1]}
 * (or {@code [N]}), of any numeric type; indices must be non-negative whole numbers. The same one-hot labels can
 * feed a cross-entropy head and this one.
 *
 * <p><b>Scaling.</b> DL4J sums per-example scores and divides the score and the parameter gradient by the minibatch
 * size. This loss undoes that division for the batch-level silhouette: {@code computeScore(..., average=true)} is
 * the {@code MEAN} soft silhouette loss of the batch, {@code average=false} is N times it, and the gradient it
 * returns is N times the {@code MEAN} gradient, so after DL4J's division the parameters receive exactly the
 * gradient of the {@code MEAN} loss. A loss passed to the constructor may be {@code MEAN} or {@code SUM} (both give
 * this); {@code NONE} is refused.
 *
 * <p><b>Masks.</b> A per-example mask ({@code [N, 1]} or {@code [N]}, values 0 or 1) leaves the rows marked 0 out
 * of the batch: they are neither samples nor neighbours, their gradient is zero, and the score is the {@code MEAN}
 * loss of the remaining rows (still multiplied by the full N, as DL4J divides by it). A batch with every row
 * masked scores 0.
 *
 * <p><b>Precision.</b> {@code FLOAT} (and {@code HALF}, {@code BFLOAT16}) activations are computed in float32 on the
 * loss's backend ({@code cpu-vector}, a GPU backend, ...). {@code DOUBLE} activations are computed in float64 end to
 * end by the API's float64 entry (the {@code reference} math: one thread, O(N^2 D)), which is what DL4J's
 * {@code GradientCheckUtil} needs; train in {@code FLOAT} for speed. Each call copies the embeddings out of ND4J
 * once and the gradient back in once.
 *
 * <p><b>Serialisation.</b> The metric, the temperature and the weight are saved with the network configuration
 * (JSON, {@code ModelSerializer}); the backend is not: a restored network chooses its backend again on the machine
 * it runs on ({@code silhouette.backend}, then {@code auto}).
 *
 * <p><b>Bad input</b> (wrong rank, row counts that differ, labels that are not one-hot or indices, masks that are
 * not per-example 0/1, NaN or infinite embeddings): an {@link IllegalArgumentException} naming the array and its
 * shape.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
public final class LossSoftSilhouette implements ILossFunction {
    @Serial
    private static final long serialVersionUID = 1L;

    private Metric metric;
    private double temperature;
    private double weight;

    /** Built on first use from the saved settings (after deserialisation too); the constructor's loss otherwise. */
    @JsonIgnore
    private transient volatile SoftSilhouetteLoss loss;

    /** The API's defaults: {@code EUCLIDEAN}, tau 0.1, the configured backend; weight 1. */
    public LossSoftSilhouette() {
        this(SoftSilhouetteLoss.DEFAULT_TEMPERATURE, Metric.EUCLIDEAN, 1.0, null);
    }

    /** The metric, temperature and backend of {@code loss}; weight 1. */
    public LossSoftSilhouette(SoftSilhouetteLoss loss) {
        this(loss, 1.0);
    }

    /**
     * The metric, temperature and backend of {@code loss}, its score and gradient multiplied by {@code weight}: the
     * lambda of {@code cross-entropy + lambda * soft silhouette} when this is one output of a graph.
     */
    public LossSoftSilhouette(SoftSilhouetteLoss loss, double weight) {
        this(Objects.requireNonNull(loss, "loss").temperature(), loss.metric(), weight, scalar(loss));
    }

    private LossSoftSilhouette(double temperature, Metric metric, double weight, SoftSilhouetteLoss loss) {
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("weight: must be finite and >= 0, got " + weight);
        }
        this.metric = metric;
        this.temperature = temperature;
        this.weight = weight;
        this.loss = loss;
    }

    /** MEAN or SUM: either gives the batch's MEAN loss and gradient (DL4J does its own per-example reduction). */
    private static SoftSilhouetteLoss scalar(SoftSilhouetteLoss loss) {
        if (loss.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("loss: reduction NONE has no batch value; DL4J averages the batch "
                    + "itself, so give a MEAN (or SUM) loss");
        }
        return loss;
    }

    public Metric metric() {
        return metric;
    }

    public double temperature() {
        return temperature;
    }

    public double weight() {
        return weight;
    }

    /**
     * The API loss this one runs: the constructor's (still owned by the caller: closing it while the network
     * trains makes the next call throw), or, after deserialisation or with the no-argument constructor, one built
     * on first use with the configured backend and kept for the life of the JVM.
     */
    public SoftSilhouetteLoss loss() {
        SoftSilhouetteLoss l = loss;
        if (l == null) {
            l = SoftSilhouetteLoss.builder().metric(metric).temperature(temperature).build();
            loss = l;
        }
        return l;
    }

    // ---------------------------------------------------------------- ILossFunction

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        return evaluate(labels, preOutput, activationFn, mask, false).score(average);
    }

    /** Per example: {@code weight * (1 - s_i)} (float32 accuracy), 0 for masked rows; {@code [N, 1]}. */
    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Batch batch = batch(labels, preOutput, activationFn, mask);
        double[] perRow = new double[batch.rows];
        if (batch.kept.length > 0) {
            float[] losses = new float[batch.kept.length];
            float[] x = batch.keptEmbeddingsFloat32();
            int d = batch.dims;
            guarded(batch, () -> {
                loss().forward(Floats.of(x), Ints.of(batch.keptLabels), batch.kept.length, d, Floats.of(losses));
                return null;
            });
            for (int r = 0; r < batch.kept.length; r++) {
                perRow[batch.kept[r]] = weight * losses[r];
            }
        }
        return Nd4j.create(perRow, new long[]{batch.rows, 1}, preOutput.dataType());
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return evaluate(labels, preOutput, activationFn, mask, true).gradient();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput,
                                                          IActivation activationFn, INDArray mask, boolean average) {
        Result result = evaluate(labels, preOutput, activationFn, mask, true);
        return new Pair<>(result.score(average), result.gradient());
    }

    @Override
    public String name() {
        return toString();
    }

    // ---------------------------------------------------------------- the computation

    /** The MEAN loss of the kept rows, times the weight, and (when asked) dL/dpreOutput scaled for DL4J. */
    private Result evaluate(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                            boolean withGradient) {
        Batch batch = batch(labels, preOutput, activationFn, mask);
        int n = batch.rows;
        int d = batch.dims;
        int kept = batch.kept.length;
        if (kept == 0) {
            return new Result(0.0, n, withGradient ? Nd4j.zeros(preOutput.dataType(), n, d) : null);
        }
        SoftSilhouetteLoss api = loss();
        double value;
        INDArray dLda = null;
        if (preOutput.dataType() == DataType.DOUBLE) {
            double[] x = batch.keptEmbeddingsFloat64();
            double[] g = withGradient ? new double[kept * d] : null;
            value = guarded(batch, () -> g == null ? api.forwardFloat64(x, batch.keptLabels, d)
                    : api.forwardBackwardFloat64(x, batch.keptLabels, d, g));
            if (g != null) {
                dLda = scatter(Nd4j.create(g, new long[]{kept, d}, 'c'), batch);
            }
        } else {
            float[] x = batch.keptEmbeddingsFloat32();
            float[] g = withGradient ? new float[kept * d] : null;
            value = guarded(batch, () -> g == null ? api.forward(Floats.of(x), Ints.of(batch.keptLabels), kept, d)
                    : api.forwardBackward(Floats.of(x), Ints.of(batch.keptLabels), kept, d, Floats.of(g)));
            if (g != null) {
                dLda = scatter(Nd4j.create(g, new long[]{kept, d}, 'c'), batch);
            }
        }
        // A SUM loss computed kept times the MEAN value and gradient.
        double perMean = api.reduction() == Reduction.MEAN ? 1.0 : 1.0 / kept;
        double mean = value * perMean;
        if (dLda == null) {
            return new Result(weight * mean, n, null);
        }
        // DL4J divides by the minibatch size N: hand it N times the MEAN gradient.
        dLda = dLda.castTo(preOutput.dataType()).muli(weight * n * perMean);
        INDArray dLdz = activationFn.backprop(preOutput.dup(), dLda).getFirst();
        return new Result(weight * mean, n, dLdz);
    }

    /** The kept rows' gradient placed at their rows of an N x D array (zeros elsewhere); as is when none is masked. */
    private static INDArray scatter(INDArray keptGradient, Batch batch) {
        if (batch.kept.length == batch.rows) {
            return keptGradient;
        }
        INDArray full = Nd4j.zeros(keptGradient.dataType(), batch.rows, batch.dims);
        for (int r = 0; r < batch.kept.length; r++) {
            full.putRow(batch.kept[r], keptGradient.getRow(r));
        }
        return full;
    }

    private record Result(double weightedMean, int rows, INDArray gradient) {
        double score(boolean average) {
            return average ? weightedMean : weightedMean * rows;
        }
    }

    /** Runs an API call; its validation messages get the array's name and shape in front. */
    private static <T> T guarded(Batch batch, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LossSoftSilhouette: activations of preOutput "
                    + shape(batch.preOutputShape) + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- inputs

    /** The activated embeddings, the labels as class indices and the rows the mask keeps, all checked. */
    private Batch batch(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Objects.requireNonNull(activationFn, "activationFn");
        if (preOutput == null) {
            throw new IllegalArgumentException("LossSoftSilhouette: preOutput is null");
        }
        long[] shape = preOutput.shape();
        if (preOutput.rank() != 2 || shape[0] < 1 || shape[1] < 1) {
            throw new IllegalArgumentException("LossSoftSilhouette: preOutput " + shape(shape)
                    + " must be [N, D] embeddings, N >= 1 and D >= 1");
        }
        if (shape[0] * shape[1] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("LossSoftSilhouette: preOutput " + shape(shape)
                    + " holds more than 2^31 - 1 values");
        }
        int n = (int) shape[0];
        int d = (int) shape[1];
        int[] classes = LabelArrays.classIndices(labels, n);
        int[] kept = LabelArrays.keptRows(mask, n);
        INDArray embeddings = activationFn.getActivation(preOutput.dup(), true);
        return new Batch(shape, n, d, embeddings, classes, kept);
    }

    /** One call's checked inputs; {@code kept} lists the rows that take part, in order. */
    private static final class Batch {
        final long[] preOutputShape;
        final int rows;
        final int dims;
        final INDArray embeddings;
        final int[] kept;
        final int[] keptLabels;

        Batch(long[] preOutputShape, int rows, int dims, INDArray embeddings, int[] classes, int[] kept) {
            this.preOutputShape = preOutputShape;
            this.rows = rows;
            this.dims = dims;
            this.embeddings = embeddings;
            this.kept = kept;
            int[] y = new int[kept.length];
            for (int r = 0; r < kept.length; r++) {
                y[r] = classes[kept[r]];
            }
            this.keptLabels = y;
        }

        private INDArray keptRows() {
            INDArray x = kept.length == rows ? embeddings : embeddings.getRows(kept);
            return x.reshape('c', new long[]{(long) kept.length * dims});
        }

        float[] keptEmbeddingsFloat32() {
            return keptRows().castTo(DataType.FLOAT).toFloatVector();
        }

        double[] keptEmbeddingsFloat64() {
            return keptRows().castTo(DataType.DOUBLE).toDoubleVector();
        }
    }

    static String shape(long[] shape) {
        return "(shape " + Arrays.toString(shape) + ")";
    }

    // ---------------------------------------------------------------- value semantics

    @Override
    public boolean equals(Object o) {
        return o instanceof LossSoftSilhouette other && metric == other.metric
                && Double.compare(temperature, other.temperature) == 0 && Double.compare(weight, other.weight) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(metric, temperature, weight);
    }

    @Override
    public String toString() {
        return "LossSoftSilhouette(metric=" + metric + ", tau=" + temperature + ", weight=" + weight + ")";
    }
}
