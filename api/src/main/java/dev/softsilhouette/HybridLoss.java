package dev.softsilhouette;

import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend;
import dev.softsilhouette.spi.SupConBackend.HybridTerms;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;

import java.util.Objects;

/**
 * The auxiliary objective of the hybrid recipe: {@code alpha * SupCon + beta * soft silhouette (COSINE)} on the
 * same embeddings (SPEC sections 11 and 3), each reduced by the same {@code MEAN} or {@code SUM}. One call returns
 * the value and writes the gradient of the sum; add cross-entropy in the training loop. Both terms read the same
 * normalised rows, so a backend computes them together ({@code cpu-vector}: one pass over the normalised Gram tiles
 * up to {@code N = 32 D}, SupCon's tiles and the cosine silhouette's class statistics beyond, see docs/supcon.md).
 *
 * <p>Thread-safe, validated and closed (it holds a backend lease) like the other losses; runs on a
 * {@link SupConBackend}.
 */
public final class HybridLoss implements AutoCloseable {
    private final HybridTerms perRow;
    private final double alpha;
    private final double beta;
    private final Reduction reduction;
    private final SupConLease backend;

    private HybridLoss(Builder b) {
        this.alpha = b.alpha;
        this.beta = b.beta;
        this.reduction = b.reduction;
        this.perRow = new HybridTerms(new SupConTemperatures(b.temperature, b.baseTemperature), alpha, b.silhouetteTau,
                beta);
        this.backend = (SupConLease) BackendRegistry.get().lease(b.backend, SupConBackend.class, SupConLoss.OPERATION,
                "this HybridLoss");
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

    public double supConWeight() {
        return alpha;
    }

    public double silhouetteWeight() {
        return beta;
    }

    public Reduction reduction() {
        return reduction;
    }

    public String backendName() {
        return backend.name();
    }

    /** {@code alpha * SupCon + beta * soft silhouette loss}, without a gradient. */
    public double forward(Floats embeddings, Ints labels, int n, int d) {
        backend.ensureOpen();
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, null, null, null, null);
        return backend.hybridAndGradient(batch, weighted(n), null);
    }

    /** The objective, and its gradient with respect to the embeddings into {@code gradientOut} (N*D values). */
    public double forwardBackward(Floats embeddings, Ints labels, int n, int d, Floats gradientOut) {
        backend.ensureOpen();
        Arguments.notNull(gradientOut, "gradient");
        PreparedBatch batch = Arguments.prepare(embeddings, labels, n, d, null, null, null, gradientOut);
        return backend.hybridAndGradient(batch, weighted(n), gradientOut.segment((long) n * d));
    }

    private HybridTerms weighted(int n) {
        double w = Reductions.rowWeight(reduction, n);
        return new HybridTerms(perRow.temperatures(), alpha * w, perRow.silhouetteTau(), beta * w);
    }

    @Override
    public String toString() {
        return "HybridLoss[" + alpha + " x SupCon(T=" + perRow.temperatures().temperature() + ", T_b="
                + perRow.temperatures().baseTemperature() + ") + " + beta + " x soft silhouette(COSINE, tau="
                + perRow.silhouetteTau() + "), reduction=" + reduction + ", backend=" + backend.name() + "]";
    }

    /**
     * Settings. Defaults: alpha 1, beta 1, SupCon T and T_b 0.07, silhouette tau
     * {@value SoftSilhouetteLoss#DEFAULT_TEMPERATURE}, {@code MEAN}, the configured backend.
     */
    public static final class Builder {
        private double alpha = 1.0;
        private double beta = 1.0;
        private double temperature = SupConLoss.DEFAULT_TEMPERATURE;
        private double baseTemperature = SupConLoss.DEFAULT_BASE_TEMPERATURE;
        private double silhouetteTau = SoftSilhouetteLoss.DEFAULT_TEMPERATURE;
        private Reduction reduction = Reduction.MEAN;
        private String backend;

        private Builder() {
        }

        /** alpha, the SupCon term's weight: finite and {@code >= 0}. */
        public Builder supConWeight(double alpha) {
            Arguments.termWeight("supConWeight", alpha);
            this.alpha = alpha;
            return this;
        }

        /** beta, the soft silhouette term's weight: finite and {@code >= 0}. */
        public Builder silhouetteWeight(double beta) {
            Arguments.termWeight("silhouetteWeight", beta);
            this.beta = beta;
            return this;
        }

        public Builder temperature(double temperature) {
            Arguments.positiveTemperature("temperature", temperature);
            this.temperature = temperature;
            return this;
        }

        public Builder baseTemperature(double baseTemperature) {
            Arguments.positiveTemperature("baseTemperature", baseTemperature);
            this.baseTemperature = baseTemperature;
            return this;
        }

        /** The soft silhouette's tau, {@code >= 0}. */
        public Builder silhouetteTemperature(double tau) {
            Arguments.tau(tau);
            this.silhouetteTau = tau;
            return this;
        }

        /** {@code MEAN} or {@code SUM}. */
        public Builder reduction(Reduction reduction) {
            Objects.requireNonNull(reduction, "reduction");
            Reductions.requireScalar(reduction, "the hybrid objective");
            this.reduction = reduction;
            return this;
        }

        public Builder backend(String nameOrList) {
            this.backend = nameOrList;
            return this;
        }

        public HybridLoss build() {
            return new HybridLoss(this);
        }
    }
}
