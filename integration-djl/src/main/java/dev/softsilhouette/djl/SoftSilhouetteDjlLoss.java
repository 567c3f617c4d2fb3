package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.IndexLoss;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SimpleCompositeLoss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * The Soft Silhouette loss as a DJL {@link Loss}: {@code evaluate(labels, predictions)} takes a batch of embeddings
 * (N x D) and its class labels, computes the loss and its gradient once with {@link SoftSilhouetteLoss}, and returns
 * an NDArray whose value is the loss and whose autograd gradient with respect to the embeddings is exactly the
 * API's.
 *
 * <pre>{@code
 * Loss loss = new SoftSilhouetteDjlLoss(SoftSilhouetteLoss.builder().temperature(0.1).build());
 * // or the paper's objective for a block whose outputs are (logits, embeddings):
 * Loss objective = SoftSilhouetteDjlLoss.withCrossEntropy(SoftSilhouetteLoss.create(), 1.0);
 * }</pre>
 *
 * <p><b>The gradient.</b> DJL has no Java hook for a custom backward, so the result is built from NDArray operations
 * around a constant gradient {@code G} computed by the API. For {@code MEAN} and {@code SUM} it is
 * {@code s = dot(flatten(X), G)}, whose gradient with respect to {@code X} is {@code G}; on PyTorch on the CPU the
 * loss value is then written over {@code s}'s value in place (the dot product's backward reads {@code X} and
 * {@code G}, never its output), elsewhere the result is {@code value + (s - stopGradient(s))}. Either way its value
 * is {@code value} exactly (written, or {@code s - s} is zero). With {@link Reduction#NONE} the result holds the N per-sample losses and carries the
 * gradient of their sum spread evenly over the samples: it is exact for every upstream gradient that is the same for
 * all samples (what {@code GradientCollector.backward} applies, a {@code sum()} or a {@code mean()} of the result),
 * not for a per-sample weighting of the result.
 *
 * <p><b>Once per batch.</b> DJL's trainer evaluates the loss twice per batch (for the backward pass, then for the
 * loss accumulators of its listeners). The last few results are kept, keyed on the identity of the embeddings and
 * labels NDArrays, so the second call returns the first call's NDArray without running the kernel again. An
 * NDArray changed in place after an evaluation is therefore not seen by a repeated evaluation of the same object.
 *
 * <p><b>Copies.</b> Float32 embeddings that are contiguous and on the CPU are read in place (the engine's direct
 * buffer, viewed as a {@link MemorySegment}); on PyTorch the gradient is written in place into a new tensor and the
 * per-sample losses likewise; int32 labels are read in place. Otherwise there is at most one copy each way: the
 * engine makes non-contiguous embeddings contiguous, embeddings on a GPU device are copied to the host (and the
 * gradient back to the device) for now, an engine other than PyTorch receives the gradient from a direct buffer
 * (one copy if it does not wrap the buffer), and int64, float or one-hot labels are converted to N ints. Float64
 * embeddings are computed in float64 end to end by the API's reference math
 * ({@link SoftSilhouetteLoss#forwardBackwardFloat64}), copied in and out: meant for gradient checks, slow, and
 * {@code MEAN} or {@code SUM} only.
 *
 * <p><b>Bad input</b> is an {@link IllegalArgumentException} naming the array and its shape: predictions or labels
 * that are not one NDArray, embeddings that are not rank 2 or not float32/float64, labels whose N differs or that
 * are not class indices or one-hot rows, NaN or infinite embeddings, negative labels. Nothing of the caller's is
 * changed.
 */
public final class SoftSilhouetteDjlLoss extends Loss {
    /** The name this loss reports to DJL's listeners unless given another. */
    public static final String DEFAULT_NAME = "SoftSilhouetteLoss";

    private static final String PYTORCH = "PyTorch";

    private final SoftSilhouetteLoss loss;
    private final double weight;
    private final EvaluationCache cache = new EvaluationCache();

    /** The loss under its default name, weight 1. */
    public SoftSilhouetteDjlLoss(SoftSilhouetteLoss loss) {
        this(DEFAULT_NAME, loss);
    }

    /** The loss under {@code name} (what DJL's listeners print), weight 1. */
    public SoftSilhouetteDjlLoss(String name, SoftSilhouetteLoss loss) {
        this(name, loss, 1.0);
    }

    /**
     * {@code weight} times the loss (its value and gradient), under {@code name}: the lambda of a combined objective.
     *
     * @throws IllegalArgumentException when the weight is not finite
     */
    public SoftSilhouetteDjlLoss(String name, SoftSilhouetteLoss loss, double weight) {
        super(Objects.requireNonNull(name, "name"));
        this.loss = Objects.requireNonNull(loss, "loss");
        if (!Double.isFinite(weight)) {
            throw new IllegalArgumentException("weight: must be finite, got " + weight);
        }
        this.weight = weight;
    }

    /**
     * The objective of the paper for a block with two outputs, {@code (logits, embeddings)}, and one label array:
     * softmax cross-entropy on the logits plus {@code lambda} times the soft silhouette of the embeddings. The
     * listeners report the two parts under the names {@code CrossEntropy} and {@code SoftSilhouetteLoss}.
     */
    public static SimpleCompositeLoss withCrossEntropy(SoftSilhouetteLoss loss, double lambda) {
        return new SimpleCompositeLoss("CrossEntropyPlusSoftSilhouette")
                .addLoss(new IndexLoss(new SoftmaxCrossEntropyLoss("CrossEntropy"), 0, 0))
                .addLoss(new IndexLoss(new SoftSilhouetteDjlLoss(DEFAULT_NAME, loss, lambda), 1, 0));
    }

    /** The API loss this wraps. */
    public SoftSilhouetteLoss loss() {
        return loss;
    }

    public double weight() {
        return weight;
    }

    /**
     * The loss of a batch: {@code predictions} holds the embeddings (N x D), {@code labels} the N class indices
     * (int32, int64 or integral floats, shape {@code (N)} or {@code (N, 1)}) or one-hot rows {@code (N, K)}.
     *
     * @return a scalar for {@code MEAN} and {@code SUM}, the N per-sample losses for {@code NONE}; its gradient with
     *         respect to the embeddings is the API's (see the class comment)
     * @throws IllegalArgumentException for bad input, naming the array and its shape
     */
    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray x = single(predictions, "predictions", "the embeddings (N x D)");
        NDArray y = single(labels, "labels", "the class labels");
        NDArray cached = cache.find(x, y);
        if (cached != null) {
            return cached;
        }
        NDArray result = compute(x, y);
        cache.put(x, y, result);
        return result;
    }

    private NDArray compute(NDArray x, NDArray y) {
        Shape shape = x.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("embeddings: expected rank 2 (N, D), got shape " + shape);
        }
        int n = Math.toIntExact(shape.get(0));
        int d = Math.toIntExact(shape.get(1));
        DataType type = x.getDataType();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
            throw new IllegalArgumentException("embeddings: data type " + type + " (shape " + shape + ") is not "
                    + "supported; use float32 (x.toType(DataType.FLOAT32, false)) or float64 for checks");
        }
        BatchLabels classes = BatchLabels.read(y, n, shape);
        try {
            return type == DataType.FLOAT32 ? computeFloat32(x, classes, n, d) : computeFloat64(x, classes, n, d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("embeddings shape " + shape + " " + type + ", labels shape "
                    + y.getShape() + " " + y.getDataType() + ": " + e.getMessage(), e);
        }
    }

    private NDArray computeFloat32(NDArray x, BatchLabels classes, int n, int d) {
        Floats embeddings = Floats.of(MemorySegment.ofBuffer(x.toByteBuffer(true)));
        if (loss.reduction() != Reduction.NONE) {
            // G flat (N * D): one dot product with the flattened embeddings, no N x D temporary.
            HostOutput gradient = HostOutput.allocate(x, new Shape((long) n * d));
            double value;
            try {
                value = weight * loss.forwardBackward(embeddings, classes.ints(), n, d, weight, gradient.floats());
            } catch (RuntimeException e) {
                gradient.discard();
                throw e;
            }
            NDArray dot = x.flatten().dot(gradient.finish());
            if (gradient.inPlace() != null) {
                // The dot product's backward reads X and G, never its own output: overwriting the output's value
                // with the loss leaves the gradient G and makes the value the loss, bit for bit, in one write
                // instead of four more operations (stopGradient, sub, a scalar, add).
                dot.toByteBuffer(true).putFloat(0, (float) value);
                return dot;
            }
            return dot.sub(dot.stopGradient()).add((float) value);
        }
        HostOutput gradient = HostOutput.allocate(x, x.getShape());
        HostOutput losses = HostOutput.allocate(x, new Shape(n));
        try {
            loss.forwardBackward(embeddings, classes.ints(), n, d, Floats.of(uniform(n, weight)), losses.floats(),
                    gradient.floats());
        } catch (RuntimeException e) {
            gradient.discard();
            losses.discard();
            throw e;
        }
        NDArray perSample = weight == 1.0 ? losses.finish() : losses.finish().mul((float) weight);
        // The summed gradient spread evenly: each sample's entry carries 1/N of it.
        NDArray dot = x.mul(gradient.finish()).sum().div((float) n);
        return perSample.add(dot.sub(dot.stopGradient()));
    }

    private NDArray computeFloat64(NDArray x, BatchLabels classes, int n, int d) {
        if (loss.reduction() == Reduction.NONE) {
            throw new IllegalArgumentException("embeddings: float64 embeddings are computed by the float64 "
                    + "reference entry, which takes reduction MEAN or SUM; this loss has NONE");
        }
        double[] g = new double[n * d];
        double v = loss.forwardBackwardFloat64(x.toDoubleArray(), classes.toIntArray(), d, g);
        for (int i = 0; i < g.length; i++) {
            g[i] *= weight;
        }
        NDManager manager = x.getManager();
        NDArray gradient = manager.create(g, x.getShape()).toDevice(x.getDevice(), false);
        NDArray dot = x.mul(gradient).sum();
        return dot.sub(dot.stopGradient()).add(weight * v);
    }

    /** N copies of {@code value}: the per-sample upstream gradient of {@code NONE}. */
    private static float[] uniform(int n, double value) {
        float[] u = new float[n];
        Arrays.fill(u, (float) value);
        return u;
    }

    private static NDArray single(NDList list, String name, String what) {
        if (list == null || list.size() != 1) {
            throw new IllegalArgumentException(name + ": expected one NDArray, " + what + ", got "
                    + (list == null ? "null" : list.size() + " " + list.getShapes().toString())
                    + "; for a block with several outputs wrap this loss in an IndexLoss, or use withCrossEntropy");
        }
        return list.singletonOrThrow();
    }

    /** How many times the kernel ran (the evaluations that were not repeats of a cached one). */
    long computations() {
        return cache.stored();
    }

    @Override
    public String toString() {
        return getName() + "[" + loss + (weight == 1.0 ? "" : ", weight=" + weight) + "]";
    }

    /**
     * A float32 output the API writes into, handed to DJL as an NDArray on the embeddings' device. On PyTorch on the
     * CPU it is a new tensor written in place through its direct buffer; otherwise a direct buffer that the engine
     * wraps (or copies once) and that is moved to the device.
     */
    private record HostOutput(NDArray inPlace, java.nio.ByteBuffer buffer, NDArray like, Shape shape) {

        static HostOutput allocate(NDArray like, Shape shape) {
            NDManager manager = like.getManager();
            if (like.getDevice().isGpu() || !PYTORCH.equals(manager.getEngine().getEngineName())) {
                long bytes = shape.size() * Float.BYTES;
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(Math.toIntExact(bytes))
                        .order(java.nio.ByteOrder.nativeOrder());
                return new HostOutput(null, buffer, like, shape);
            }
            NDArray tensor = manager.create(shape, DataType.FLOAT32);
            return new HostOutput(tensor, tensor.toByteBuffer(true), like, shape);
        }

        Floats floats() {
            return Floats.of(MemorySegment.ofBuffer(buffer));
        }

        NDArray finish() {
            if (inPlace != null) {
                return inPlace;
            }
            NDManager manager = like.getManager();
            NDArray host = manager.create(buffer, shape, DataType.FLOAT32);
            return like.getDevice().equals(host.getDevice()) ? host : host.toDevice(like.getDevice(), false);
        }

        void discard() {
            if (inPlace != null) {
                inPlace.close();
            }
        }
    }
}
