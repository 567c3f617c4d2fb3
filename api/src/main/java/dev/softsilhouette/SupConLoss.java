package dev.softsilhouette;

import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Supervised contrastive loss (Khosla et al., 2020), SPEC section 11: rows are normalised inside (the gradient flows
 * through the normalisation), every other row of the anchor's class is a positive, every other row a candidate of
 * the softmax. An anchor without a positive has loss 0 and still counts in a mean, as in the authors' code.
 *
 * <p>Safe to share between threads, and closed when done, like {@link SoftSilhouetteLoss} (it holds a lease on its
 * backend); arguments are validated the same way (SPEC section 9) before any backend code runs. It runs on a
 * backend that implements {@link SupConBackend} ({@code cpu-vector}, {@code reference}): {@code auto} picks the best of those, and naming one
 * that lacks it is a {@link BackendSelectionException}.
 *
 * <pre>{@code
 * SupConLoss loss = SupConLoss.builder().temperature(0.1).build();
 * double value = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(grad));
 * }</pre>
 */
public final class SupConLoss implements AutoCloseable {
    /** The authors' default temperature. */
    public static final double DEFAULT_TEMPERATURE = 0.07;
    /** The authors' default base temperature ({@code T / T_b} scales the loss). */
    public static final double DEFAULT_BASE_TEMPERATURE = 0.07;
    /** How selection errors name the operation. */
    static final String OPERATION = "SupCon (SPEC section 11)";

    private final SupConTemperatures temperatures;
    private final Reduction reduction;
    private final SupConLease backend;

    private SupConLoss(Builder b) {
        this.temperatures = new SupConTemperatures(b.temperature, b.baseTemperature);
        this.reduction = b.reduction;
        this.backend = (SupConLease) BackendRegistry.get().lease(b.backend, SupConBackend.class, OPERATION,
                "this SupConLoss");
    }

    /** Every default: T 0.07, T_b 0.07, {@code MEAN}, the configured backend. */
    public static SupConLoss create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Closes it as {@link SoftSilhouetteLoss#close()} does: new calls are refused with
     * {@link IllegalStateException}, calls already running finish, the backend lease is returned. Idempotent.
     */
    @Override
    public void close() {
        backend.close();
    }

    public Builder toBuilder() {
        return new Builder().temperature(temperatures.temperature()).baseTemperature(temperatures.baseTemperature())
                .reduction(reduction).backend(backend.name());
    }

    public double temperature() {
        return temperatures.temperature();
    }

    public double baseTemperature() {
        return temperatures.baseTemperature();
    }

    public Reduction reduction() {
        return reduction;
    }

    public String backendName() {
        return backend.name();
    }

    /**
     * The loss: {@code (1/N) sum l_i} for {@code MEAN}, {@code sum l_i} for {@code SUM}.
     *
     * @throws IllegalStateException for {@code NONE}: use {@link #forward(Floats, Ints, int, int, Floats)}
     */
    public double forward(Floats embeddings, Ints labels, int n, int d) {
        backend.ensureOpen();
        Reductions.requireScalar(reduction, "forward(embeddings, labels, n, d)");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, null, null, null, null);
        return Reductions.reduce(reduction, backend.supConAndGradient(batch, temperatures, 0.0, null, null, null), n);
    }

    /** The N per-anchor losses {@code l_i}, written to {@code lossesOut}; any reduction. */
    public void forward(Floats embeddings, Ints labels, int n, int d, Floats lossesOut) {
        backend.ensureOpen();
        Arguments.notNull(lossesOut, "losses");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, null, "losses", lossesOut, null);
        backend.supConAndGradient(batch, temperatures, 0.0, null, lossesOut.segment(n), null);
    }

    /**
     * {@code upstream * dL/dX} into {@code gradientOut} (N*D values), for {@code MEAN} and {@code SUM}.
     *
     * @throws IllegalStateException for {@code NONE}
     */
    public void backward(Floats embeddings, Ints labels, int n, int d, double upstream, Floats gradientOut) {
        backend.ensureOpen();
        forwardBackward(embeddings, labels, n, d, upstream, gradientOut, "backward with a scalar upstream gradient");
    }

    /** For {@code NONE}: {@code d(sum_i g_i l_i)/dX} into {@code gradientOut}, {@code upstream} holding the g_i. */
    public void backward(Floats embeddings, Ints labels, int n, int d, Floats upstream, Floats gradientOut) {
        backend.ensureOpen();
        Reductions.requireNone(reduction, "backward with a per-sample upstream gradient");
        Arguments.notNull(upstream, "upstream");
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, upstream, null, null, gradientOut);
        backend.supConAndGradient(batch, temperatures, 1.0, upstream.segment(n), null,
                gradientOut.segment((long) n * d));
    }

    /** The loss and {@code dL/dX} in one call, for {@code MEAN} and {@code SUM}. */
    public double forwardBackward(Floats embeddings, Ints labels, int n, int d, Floats gradientOut) {
        backend.ensureOpen();
        return forwardBackward(embeddings, labels, n, d, 1.0, gradientOut);
    }

    /** The loss, and {@code upstream * dL/dX} into {@code gradientOut}, in one call ({@code MEAN}, {@code SUM}). */
    public double forwardBackward(Floats embeddings, Ints labels, int n, int d, double upstream, Floats gradientOut) {
        backend.ensureOpen();
        return forwardBackward(embeddings, labels, n, d, upstream, gradientOut,
                "forwardBackward with a scalar upstream gradient");
    }

    /** For {@code NONE}: the per-anchor losses and {@code d(sum_i g_i l_i)/dX} in one call. */
    public void forwardBackward(Floats embeddings, Ints labels, int n, int d, Floats upstream, Floats lossesOut,
                                Floats gradientOut) {
        backend.ensureOpen();
        Reductions.requireNone(reduction, "forwardBackward with a per-sample upstream gradient");
        Arguments.notNull(upstream, "upstream");
        Arguments.notNull(lossesOut, "losses");
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, upstream, "losses", lossesOut, gradientOut);
        backend.supConAndGradient(batch, temperatures, 1.0, upstream.segment(n), lossesOut.segment(n),
                gradientOut.segment((long) n * d));
    }

    /** {@link #forwardBackward(Floats, Ints, int, int, Floats)} on whole arrays; n is {@code labels.length}. */
    public double forwardBackward(float[] embeddings, int[] labels, int d, float[] gradientOut) {
        backend.ensureOpen();
        Arguments.notNull(labels, "labels");
        Arguments.notNull(embeddings, "embeddings");
        Arguments.notNull(gradientOut, "gradient");
        return forwardBackward(Floats.of(embeddings), Ints.of(labels), labels.length, d, Floats.of(gradientOut));
    }

    private double forwardBackward(Floats embeddings, Ints labels, int n, int d, double upstream, Floats gradientOut,
                                   String what) {
        Reductions.requireScalar(reduction, what);
        Arguments.finiteUpstream(upstream);
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, null, null, null, gradientOut);
        double sum = backend.supConAndGradient(batch, temperatures, upstream * Reductions.rowWeight(reduction, n),
                null, null, gradientOut.segment((long) n * d));
        return Reductions.reduce(reduction, sum, n);
    }

    @Override
    public String toString() {
        return "SupConLoss[temperature=" + temperatures.temperature() + ", baseTemperature="
                + temperatures.baseTemperature() + ", reduction=" + reduction + ", backend=" + backend.name() + "]";
    }

    /** Settings of a SupCon loss. Defaults: T 0.07, T_b 0.07, {@code MEAN}, the configured backend. */
    public static final class Builder {
        private double temperature = DEFAULT_TEMPERATURE;
        private double baseTemperature = DEFAULT_BASE_TEMPERATURE;
        private Reduction reduction = Reduction.MEAN;
        private String backend;

        private Builder() {
        }

        /** T: finite and {@code > 0}. */
        public Builder temperature(double temperature) {
            Arguments.positiveTemperature("temperature", temperature);
            this.temperature = temperature;
            return this;
        }

        /** T_b: finite and {@code > 0}; the loss is scaled by {@code T / T_b}. */
        public Builder baseTemperature(double baseTemperature) {
            Arguments.positiveTemperature("baseTemperature", baseTemperature);
            this.baseTemperature = baseTemperature;
            return this;
        }

        public Builder reduction(Reduction reduction) {
            this.reduction = Objects.requireNonNull(reduction, "reduction");
            return this;
        }

        /** A backend name or preference list; overrides {@code silhouette.backend}. {@code null}: the configured one. */
        public Builder backend(String nameOrList) {
            this.backend = nameOrList;
            return this;
        }

        /**
         * @throws BackendSelectionException when the requested backend is missing, unavailable or lacks SupCon
         */
        public SupConLoss build() {
            return new SupConLoss(this);
        }
    }
}
