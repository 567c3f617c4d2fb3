package dev.softsilhouette;

import dev.softsilhouette.reference.ReferenceBackend;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * Soft Silhouette Loss (Todescato and Carbonera, 2026): a differentiable silhouette coefficient that pulls every
 * sample toward its own class and pushes it from the nearest competing class, over the whole batch. SPEC sections
 * 3 to 5 define the function and its gradient; section 7 the hard score.
 *
 * <p>Safe to share between threads; its settings never change. The backend is chosen when the loss is built (see
 * {@link Backends}) and shared with every other loss that chose it: each loss holds a lease on that one instance.
 *
 * <p>Close the loss when done, with try-with-resources. {@link #close()} refuses new calls, waits for the calls
 * already running, and returns the lease; when the last loss (or {@link Backends#backend} lease) on a backend is
 * closed, the backend is closed too: its worker threads stop and its workspaces and native (GPU) memory are freed.
 * A later {@code build()} creates a fresh backend. Any call on a closed loss throws {@link IllegalStateException}.
 * A loss that is never closed keeps its backend for the life of the JVM. The label-sorting scratch of each calling
 * thread (a few ints per row, shared by every loss) belongs to that thread and goes with it.
 *
 * <pre>{@code
 * try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(Metric.COSINE).temperature(0.1).build()) {
 *     double value = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(grad));
 * }
 * }</pre>
 *
 * <p>Every operation validates all its arguments first (SPEC section 9): a rejected call throws
 * {@link IllegalArgumentException} naming the argument and writes nothing.
 */
public final class SoftSilhouetteLoss implements AutoCloseable {
    /** Our default temperature: soft enough that every competing class gets gradient early in training, close to the hard minimum once classes separate. */
    public static final double DEFAULT_TEMPERATURE = 0.1;

    private final Metric metric;
    private final double tau;
    private final Reduction reduction;
    private final BackendLease backend;

    private SoftSilhouetteLoss(Builder b) {
        this.metric = b.metric;
        this.tau = b.tau;
        this.reduction = b.reduction;
        this.backend = BackendRegistry.get().lease(b.backend, "this SoftSilhouetteLoss");
    }

    /** A loss with every default: {@code EUCLIDEAN}, tau 0.1, {@code MEAN}, the configured backend. */
    public static SoftSilhouetteLoss create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Closes this loss: new calls are refused with {@link IllegalStateException}, calls already running finish, and
     * the backend lease is returned (the last lease on a backend closes it). Idempotent.
     */
    @Override
    public void close() {
        backend.close();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return backend.isClosed();
    }

    /** A builder holding this loss's settings (usable after close: its {@code build()} leases the backend anew). */
    public Builder toBuilder() {
        return new Builder().metric(metric).temperature(tau).reduction(reduction).backend(backend.name());
    }

    public Metric metric() {
        return metric;
    }

    public double temperature() {
        return tau;
    }

    public Reduction reduction() {
        return reduction;
    }

    /** The name of the backend this loss runs on. */
    public String backendName() {
        return backend.name();
    }

    // ---------------------------------------------------------------- forward

    /**
     * The loss: {@code (1/N) sum (1 - s_i)} for {@code MEAN}, {@code sum (1 - s_i)} for {@code SUM}.
     *
     * @throws IllegalStateException for {@code NONE}: use {@link #forward(Floats, Ints, int, int, Floats)}
     */
    public double forward(Floats embeddings, Ints labels, int n, int d) {
        backend.ensureOpen();
        requireScalarReduction("forward(embeddings, labels, n, d)");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, null, null);
        double sum = backend.silhouettes(batch, metric, tau, null);
        return reduce(sum, n);
    }

    /** The N per-sample losses {@code l_i = 1 - s_i}, written to {@code lossesOut}; any reduction. */
    public void forward(Floats embeddings, Ints labels, int n, int d, Floats lossesOut) {
        backend.ensureOpen();
        Arguments.notNull(lossesOut, "losses");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, "losses", lossesOut, null);
        MemorySegment out = lossesOut.segment(n);
        backend.silhouettes(batch, metric, tau, out);
        toLosses(out, n);
    }

    // ---------------------------------------------------------------- backward

    /**
     * {@code upstream * dL/dX} into {@code gradientOut} (N*D values), for {@code MEAN} and {@code SUM}.
     *
     * @throws IllegalStateException for {@code NONE}: use {@link #backward(Floats, Ints, int, int, Floats, Floats)}
     */
    public void backward(Floats embeddings, Ints labels, int n, int d, double upstream, Floats gradientOut) {
        backend.ensureOpen();
        requireScalarReduction("backward with a scalar upstream gradient");
        Arguments.finiteUpstream(upstream);
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, null, gradientOut);
        backend.silhouettesAndGradient(batch, metric, tau, upstream * rowWeight(n), null, null,
                gradientOut.segment((long) n * d));
    }

    /**
     * {@code d(sum_i g_i l_i)/dX} into {@code gradientOut}, for {@code NONE}: {@code upstream} holds the N values
     * {@code g_i}.
     *
     * @throws IllegalStateException for {@code MEAN} and {@code SUM}, which take a scalar upstream gradient
     */
    public void backward(Floats embeddings, Ints labels, int n, int d, Floats upstream, Floats gradientOut) {
        backend.ensureOpen();
        requireNone("backward with a per-sample upstream gradient");
        Arguments.notNull(upstream, "upstream");
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, upstream, null, gradientOut);
        backend.silhouettesAndGradient(batch, metric, tau, 1.0, upstream.segment(n), null,
                gradientOut.segment((long) n * d));
    }

    // ---------------------------------------------------------------- fused

    /** The loss and {@code dL/dX} in one pass, for {@code MEAN} and {@code SUM}: the path training loops call. */
    public double forwardBackward(Floats embeddings, Ints labels, int n, int d, Floats gradientOut) {
        return forwardBackward(embeddings, labels, n, d, 1.0, gradientOut);
    }

    /** The loss, and {@code upstream * dL/dX} into {@code gradientOut}, in one pass ({@code MEAN}, {@code SUM}). */
    public double forwardBackward(Floats embeddings, Ints labels, int n, int d, double upstream, Floats gradientOut) {
        backend.ensureOpen();
        requireScalarReduction("forwardBackward with a scalar upstream gradient");
        Arguments.finiteUpstream(upstream);
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, null, gradientOut);
        double sum = backend.silhouettesAndGradient(batch, metric, tau, upstream * rowWeight(n), null, null,
                gradientOut.segment((long) n * d));
        return reduce(sum, n);
    }

    /**
     * For {@code NONE}: the per-sample losses into {@code lossesOut} and {@code d(sum_i g_i l_i)/dX} into
     * {@code gradientOut}, in one pass.
     */
    public void forwardBackward(Floats embeddings, Ints labels, int n, int d, Floats upstream, Floats lossesOut,
                                Floats gradientOut) {
        backend.ensureOpen();
        requireNone("forwardBackward with a per-sample upstream gradient");
        Arguments.notNull(upstream, "upstream");
        Arguments.notNull(lossesOut, "losses");
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, upstream, "losses", lossesOut, gradientOut);
        MemorySegment losses = lossesOut.segment(n);
        backend.silhouettesAndGradient(batch, metric, tau, 1.0, upstream.segment(n), losses,
                gradientOut.segment((long) n * d));
        toLosses(losses, n);
    }

    // ---------------------------------------------------------------- hard score

    /**
     * The hard silhouette score (SPEC section 7): the mean of {@code s_i} with tau = 0 under this loss's metric;
     * equals {@code sklearn.metrics.silhouette_score}. The temperature and reduction are not used.
     *
     * @throws IllegalArgumentException also when the number of distinct labels is not in {@code [2, n-1]}
     */
    public double score(Floats embeddings, Ints labels, int n, int d) {
        backend.ensureOpen();
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, null, null);
        requireScoreClasses(batch);
        return backend.silhouettes(batch, metric, 0.0, null) / n;
    }

    /** The N hard silhouette values {@code s_i} (tau = 0), as {@code sklearn.metrics.silhouette_samples}. */
    public void samples(Floats embeddings, Ints labels, int n, int d, Floats samplesOut) {
        backend.ensureOpen();
        Arguments.notNull(samplesOut, "samples");
        PreparedBatch batch = validateAndPrepare(embeddings, labels, n, d, null, "samples", samplesOut, null);
        requireScoreClasses(batch);
        backend.silhouettes(batch, metric, 0.0, samplesOut.segment(n));
    }

    // ---------------------------------------------------------------- embeddings in GPU memory

    /**
     * The loss ({@code MEAN} or {@code SUM}) of embeddings that stay in GPU memory: see
     * {@link #forwardBackward(DeviceFloats, Ints, int, int, double, DeviceFloats, Floats, CudaStream)}.
     */
    public double forward(DeviceFloats embeddings, Ints labels, int n, int d, CudaStream stream) {
        return onDevice("forward(DeviceFloats ...)", embeddings, labels, n, d, 0.0, null, null, stream);
    }

    /**
     * The loss and {@code dL/dX} for embeddings that stay in GPU memory: the training path of a framework that holds
     * its embeddings on the GPU. See
     * {@link #forwardBackward(DeviceFloats, Ints, int, int, double, DeviceFloats, Floats, CudaStream)}.
     */
    public double forwardBackward(DeviceFloats embeddings, Ints labels, int n, int d, DeviceFloats gradientOut,
                                  CudaStream stream) {
        Arguments.notNull(gradientOut, "gradient");
        return onDevice("forwardBackward(DeviceFloats ...)", embeddings, labels, n, d, 1.0, gradientOut, null,
                stream);
    }

    /**
     * The loss ({@code MEAN} or {@code SUM}) and {@code upstream * dL/dX} for embeddings in GPU memory, on a GPU
     * backend ({@code cuda}, {@code ffm-cublas}): the embeddings are read where they are and the gradient is written
     * to {@code gradientOut} in GPU memory; neither crosses to the host (what does: the prepared label tables up, N
     * silhouettes down, for the value).
     *
     * <p>Ordering: the backend's own stream waits for the work queued on {@code stream} before the call (an event),
     * so the embeddings may still be in the making there; {@code stream} then waits for the gradient's writes (a
     * second event). The call returns once the value is known: the backend's stream is synchronised (the caller's
     * stream is not, and may hold later work of the caller that runs on), so on return the gradient is written.
     *
     * <p>Validation: everything that needs no read of GPU memory is checked before any GPU work (shapes, addresses,
     * lengths, an overlap of the gradient with the embeddings, the labels, as for host buffers); finiteness is checked
     * on the GPU before anything is written, with the host path's message ("embeddings: row 3 column 2 is NaN;
     * every value must be finite"). A rejected call writes nothing.
     *
     * @param embeddings     N*D float32 values in GPU memory, row-major
     * @param upstream       the upstream gradient (finite)
     * @param gradientOut    N*D float32 values in GPU memory, overwritten; must not overlap {@code embeddings}
     * @param silhouettesOut the N soft silhouettes s_i in host memory, caller's row order, or {@code null}
     * @param stream         the caller's CUDA stream ({@link CudaStream#DEFAULT} for the legacy default stream)
     * @throws IllegalStateException when this loss's backend cannot read GPU memory, or its reduction is {@code NONE}
     */
    public double forwardBackward(DeviceFloats embeddings, Ints labels, int n, int d, double upstream,
                                  DeviceFloats gradientOut, Floats silhouettesOut, CudaStream stream) {
        Arguments.notNull(gradientOut, "gradient");
        return onDevice("forwardBackward(DeviceFloats ...)", embeddings, labels, n, d, upstream, gradientOut,
                silhouettesOut, stream);
    }

    private double onDevice(String what, DeviceFloats embeddings, Ints labels, int n, int d, double upstream,
                            DeviceFloats gradientOut, Floats silhouettesOut, CudaStream stream) {
        backend.ensureOpen();
        requireScalarReduction(what);
        backend.requireDeviceResident(what);
        Arguments.finiteUpstream(upstream);
        DeviceBatch batch = Arguments.prepareOnDevice(embeddings, labels, n, d, gradientOut, silhouettesOut, stream);
        double sum = backend.silhouettesAndGradientOnDevice(batch, metric, tau, upstream * rowWeight(n),
                silhouettesOut == null ? null : silhouettesOut.segment(n),
                gradientOut == null ? 0L : gradientOut.address());
        return reduce(sum, n);
    }

    // ---------------------------------------------------------------- array conveniences

    /** {@link #forward(Floats, Ints, int, int)} on whole arrays; n is {@code labels.length}. */
    public double forward(float[] embeddings, int[] labels, int d) {
        backend.ensureOpen();
        Arguments.notNull(labels, "labels");
        return forward(Floats.of(nonNull(embeddings, "embeddings")), Ints.of(labels), labels.length, d);
    }

    /** {@link #forwardBackward(Floats, Ints, int, int, Floats)} on whole arrays; n is {@code labels.length}. */
    public double forwardBackward(float[] embeddings, int[] labels, int d, float[] gradientOut) {
        backend.ensureOpen();
        Arguments.notNull(labels, "labels");
        return forwardBackward(Floats.of(nonNull(embeddings, "embeddings")), Ints.of(labels), labels.length, d,
                Floats.of(nonNull(gradientOut, "gradient")));
    }

    /** {@link #score(Floats, Ints, int, int)} on whole arrays; n is {@code labels.length}. */
    public double score(float[] embeddings, int[] labels, int d) {
        backend.ensureOpen();
        Arguments.notNull(labels, "labels");
        return score(Floats.of(nonNull(embeddings, "embeddings")), Ints.of(labels), labels.length, d);
    }

    // ---------------------------------------------------------------- float64

    /**
     * The loss on float64 embeddings, computed in float64 end to end: {@link #forward(float[], int[], int)} without
     * the float32 rounding of the input. It runs the {@code reference} math (one thread, O(N^2 D) for every
     * metric) whatever backend this loss was built with: for gradient checks and float64 models, not for speed.
     * Arguments are validated as for the float32 calls; n is {@code labels.length}.
     */
    public double forwardFloat64(double[] embeddings, int[] labels, int d) {
        return forwardBackwardFloat64(embeddings, labels, d, null, "forwardFloat64");
    }

    /**
     * The loss and {@code dL/dX} on float64 embeddings, both in float64 end to end (see
     * {@link #forwardFloat64}): a central finite difference of {@link #forwardFloat64} agrees with this gradient
     * to float64 accuracy, which a float32 kernel cannot offer. n is {@code labels.length}; {@code gradientOut}
     * receives N*D values.
     */
    public double forwardBackwardFloat64(double[] embeddings, int[] labels, int d, double[] gradientOut) {
        Arguments.notNull(gradientOut, "gradient");
        return forwardBackwardFloat64(embeddings, labels, d, gradientOut, "forwardBackwardFloat64");
    }

    private double forwardBackwardFloat64(double[] embeddings, int[] labels, int d, double[] gradientOut,
                                          String what) {
        backend.ensureOpen();
        requireScalarReduction(what);
        Arguments.notNull(embeddings, "embeddings");
        Arguments.notNull(labels, "labels");
        int n = labels.length;
        Arguments.shape(n, d);
        Arguments.lengthOfProduct("embeddings", embeddings.length, "n", n, "d", d);
        if (gradientOut != null) {
            Arguments.lengthOfProduct("gradient", gradientOut.length, "n", n, "d", d);
            if (gradientOut == embeddings) {
                throw new IllegalArgumentException("gradient: the output overlaps embeddings");
            }
        }
        MemorySegment ys = MemorySegment.ofArray(labels);
        LabelPreparation.checkNonNegative(ys, n);
        Arguments.finite(embeddings, n, d);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(embeddings, i * d, (i + 1) * d);
        }
        LabelPreparation.Classes classes = LabelPreparation.forThisThread().classes(n, ys);
        double sum = ReferenceBackend.silhouettesAndGradient(rows, classes.labels(), classes.offsets(), metric, tau,
                rowWeight(n), gradientOut);
        return reduce(sum, n);
    }

    // ---------------------------------------------------------------- internals

    private static <T> T nonNull(T value, String name) {
        Arguments.notNull(value, name);
        return value;
    }

    private PreparedBatch validateAndPrepare(Floats x, Ints labels, int n, int d, Floats upstream, Floats perRowOut,
                                             Floats gradientOut) {
        return Arguments.prepare(x, labels, n, d, upstream, "out", perRowOut, gradientOut);
    }

    private PreparedBatch validateAndPrepare(Floats x, Ints labels, int n, int d, Floats upstream, String perRowName,
                                             Floats perRowOut, Floats gradientOut) {
        return Arguments.prepare(x, labels, n, d, upstream, perRowName, perRowOut, gradientOut);
    }

    private static void requireScoreClasses(PreparedBatch batch) {
        Arguments.scoreClasses(batch.classCount(), batch.rows());
    }

    private void requireScalarReduction(String what) {
        Reductions.requireScalar(reduction, what);
    }

    private void requireNone(String what) {
        Reductions.requireNone(reduction, what);
    }

    private double rowWeight(int n) {
        return Reductions.rowWeight(reduction, n);
    }

    private double reduce(double sumOfSilhouettes, int n) {
        return reduction == Reduction.MEAN ? 1.0 - sumOfSilhouettes / n : n - sumOfSilhouettes;
    }

    private static void toLosses(MemorySegment values, int n) {
        for (int i = 0; i < n; i++) {
            float s = values.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
            values.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, 1.0f - s);
        }
    }

    @Override
    public String toString() {
        return "SoftSilhouetteLoss[metric=" + metric + ", tau=" + tau + ", reduction=" + reduction + ", backend="
                + backend.name() + "]";
    }

    /** Settings of a loss. Defaults: {@code EUCLIDEAN}, tau {@value #DEFAULT_TEMPERATURE}, {@code MEAN}, the configured backend. */
    public static final class Builder {
        private Metric metric = Metric.EUCLIDEAN;
        private double tau = DEFAULT_TEMPERATURE;
        private Reduction reduction = Reduction.MEAN;
        private String backend;

        private Builder() {
        }

        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** tau >= 0; 0 is the hard minimum (the classical silhouette). */
        public Builder temperature(double tau) {
            Arguments.tau(tau);
            this.tau = tau;
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /**
         * A backend name or preference list ({@code "cuda,cpu-vector"}); overrides {@code silhouette.backend}.
         * {@code null} returns to the configured choice.
         */
        public Builder backend(String nameOrList) {
            this.backend = nameOrList;
            return this;
        }

        /**
         * Resolves the backend and builds the loss.
         *
         * @throws BackendSelectionException when the requested backend is missing or unavailable
         */
        public SoftSilhouetteLoss build() {
            return new SoftSilhouetteLoss(this);
        }
    }
}
