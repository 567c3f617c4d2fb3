package dev.softsilhouette.cuda.engine.strategies;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.fused.EuclideanTilePlan;

import java.util.List;
import java.util.Locale;

/**
 * Which of the engine's two strategies runs a call, from its shape: the fused tiles
 * ({@link dev.softsilhouette.cuda.engine.fused.FusedTiles}, the engine's own kernels) or the SGEMM strategy
 * ({@link dev.softsilhouette.cuda.engine.sgemm.SgemmStrategy}, cuBLAS for the products). Both bindings choose with
 * it. System property {@value #PROPERTY}: {@code auto} (the default: by shape), {@code fused} or {@code sgemm} (every
 * call); any other value is an {@link IllegalArgumentException} naming the property, which the probes turn into an
 * unavailability reason.
 *
 * <p>The rule ({@link #byShape}). <b>No GPU measurement exists yet: the thresholds come from arithmetic</b>, with
 * assumptions about a data-centre GPU stated here, and {@code gpu/run-on-device.sh} times both strategies at a small,
 * a middle and the target shape so that a GPU session can replace them with measured ones.
 * <ul>
 *   <li>EUCLIDEAN, O(N^2 D). Per ordered pair the SGEMM strategy does three GEMMs, 6D flops at cuBLAS's rate R, and
 *       moves about 28 bytes of Gram block through memory (written by SGEMM, read by the segment sums; written,
 *       rewritten as coefficients, read by the row sums and by the second SGEMM in the backward); the fused tiles
 *       do about 5D flops (a symmetric forward, a backward that recomputes each tile from both sides) and keep every
 *       distance on chip, at an assumed half of R for a hand-written 64 x 64 tile. SGEMM wins when
 *       6D / R + 28 / B &lt; 10D / R, that is D &gt; 7 R / B: with R / B about 10 to 18 flops per byte (FP32 SGEMM
 *       rate over memory bandwidth of A100, H100 and H200 class GPUs), D above 70 to 125, hence
 *       {@link #SGEMM_MIN_DIMS} = 128. Below {@link #SGEMM_MIN_PAIR_WORK} (N^2 D = 2^31: N = 4096 at D = 128) the
 *       gain, a few dozen microseconds, does not pay for the SGEMM strategy's extra launches (about 5 per call
 *       and 7 per further Gram block pair, a few microseconds each). Memory decides before speed: the fused
 *       forward's partial sums grow as N^2 / 16 bytes ({@link EuclideanTilePlan#maxPartialBytes}), the SGEMM
 *       strategy's Gram blocks stay within their budget, so when the partials would take more than
 *       1 / {@link #FUSED_MEMORY_SHARE} of the device's memory the SGEMM strategy runs, whatever D. A call without
 *       the gradient (the score, the forward alone) runs the fused tiles below that memory bound: the SGEMM
 *       strategy's forward computes both halves of the Gram matrix (2D flops per ordered pair at R, and about 8
 *       bytes of traffic) where the fused forward computes one (D flops at R / 2): the same time for the
 *       arithmetic, and the traffic on top.</li>
 *   <li>SQUARED_EUCLIDEAN and COSINE, O(N K D) through class statistics in both: the fused strategy's products
 *       are float64 GEMMs of simple 16 x 16 tiles (FP64 runs at half the FP32 rate on data-centre GPUs, at 1/32 to
 *       1/64 on others), the SGEMM strategy's are float32 cuBLAS SGEMMs around double class statistics, at a
 *       comparable launch count (about 12 against 14). So the SGEMM strategy runs once the products are more than
 *       launch overhead: N K D of at least {@link #SGEMM_MIN_CLASS_WORK} = 2^23 (6 N K D flops, about ten
 *       microseconds for the fused float64 tiles at an assumed 5 TFLOP/s).</li>
 * </ul>
 * A binding without the SGEMM strategy (the JavaCPP one where cuBLAS cannot be loaded) runs the fused tiles for
 * every shape; forcing {@code sgemm} there is an error that gives the reason.
 */
public final class StrategyChoice {

    /** The engine's two strategies. */
    public enum Strategy {
        /** The engine's own kernels: fused Gram tiles (EUCLIDEAN) and float64 class-statistics GEMMs. */
        FUSED,
        /** cuBLAS SGEMM for the Gram blocks (EUCLIDEAN) and the class-statistics products. */
        SGEMM;

        /** The property value that forces it. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** System property: {@code auto} (default), {@code fused} or {@code sgemm}. */
    public static final String PROPERTY = "silhouette.cuda.strategy";
    /** The value that chooses by shape. */
    public static final String AUTO = "auto";
    /**
     * EUCLIDEAN with the gradient: the SGEMM strategy needs at least this many dimensions (its Gram traffic per flop
     * falls with D).
     */
    public static final int SGEMM_MIN_DIMS = 128;
    /** EUCLIDEAN: and at least this much work, N^2 D, to pay for its extra launches. */
    public static final long SGEMM_MIN_PAIR_WORK = 1L << 31;
    /** SQUARED_EUCLIDEAN and COSINE: the SGEMM strategy from this much work, N K D, on. */
    public static final long SGEMM_MIN_CLASS_WORK = 1L << 23;
    /** EUCLIDEAN: the fused forward's partial sums may take at most this share (1 / value) of device memory. */
    public static final int FUSED_MEMORY_SHARE = 4;

    private final Strategy forced;
    private final long deviceMemoryBytes;
    private final String noSgemm;

    private StrategyChoice(Strategy forced, long deviceMemoryBytes, String noSgemm) {
        this.forced = forced;
        this.deviceMemoryBytes = deviceMemoryBytes;
        this.noSgemm = noSgemm;
    }

    /**
     * The choice {@value #PROPERTY} asks for, on a device of {@code deviceMemoryBytes}.
     *
     * @param noSgemm why the binding cannot run the SGEMM strategy here, or null when it can
     * @throws IllegalArgumentException naming the property, for a value that is not {@code auto}, {@code fused} or
     *                                  {@code sgemm}, or for {@code sgemm} where the binding cannot run it
     */
    public static StrategyChoice configured(long deviceMemoryBytes, String noSgemm) {
        return of(System.getProperty(PROPERTY), deviceMemoryBytes, noSgemm);
    }

    /** As {@link #configured}, from {@code value} (null or blank: {@code auto}; case and spaces ignored). */
    public static StrategyChoice of(String value, long deviceMemoryBytes, String noSgemm) {
        if (deviceMemoryBytes < 1) {
            throw new IllegalArgumentException("deviceMemoryBytes: must be positive: " + deviceMemoryBytes);
        }
        String v = value == null ? AUTO : value.trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals(AUTO)) {
            return new StrategyChoice(noSgemm == null ? null : Strategy.FUSED, deviceMemoryBytes, noSgemm);
        }
        for (Strategy s : Strategy.values()) {
            if (v.equals(s.value())) {
                if (s == Strategy.SGEMM && noSgemm != null) {
                    throw new IllegalArgumentException(PROPERTY + "=" + value.trim()
                            + ", but this backend cannot run the SGEMM strategy: " + noSgemm);
                }
                return new StrategyChoice(s, deviceMemoryBytes, noSgemm);
            }
        }
        throw new IllegalArgumentException(PROPERTY + ": not a strategy: " + value + " (use " + AUTO + ", "
                + Strategy.FUSED.value() + " or " + Strategy.SGEMM.value() + ")");
    }

    /** The strategy of a call of N rows, D dimensions, K classes present, with or without the gradient. */
    public Strategy choose(int n, int d, int k, Metric metric, boolean gradient) {
        return forced != null ? forced : byShape(n, d, k, metric, gradient, deviceMemoryBytes);
    }

    /** The rule where both strategies can run (see the class comment for where its thresholds come from). */
    public static Strategy byShape(int n, int d, int k, Metric metric, boolean gradient, long deviceMemoryBytes) {
        if (metric == Metric.EUCLIDEAN) {
            if (EuclideanTilePlan.maxPartialBytes(n, k) > deviceMemoryBytes / FUSED_MEMORY_SHARE) {
                return Strategy.SGEMM;
            }
            double pairWork = (double) n * n * d;
            return gradient && d >= SGEMM_MIN_DIMS && pairWork >= SGEMM_MIN_PAIR_WORK ? Strategy.SGEMM
                    : Strategy.FUSED;
        }
        return (double) n * k * d >= SGEMM_MIN_CLASS_WORK ? Strategy.SGEMM : Strategy.FUSED;
    }

    /** Every strategy this choice can pick: what a probe self-checks, so that no call runs an unchecked one. */
    public List<Strategy> strategies() {
        return forced != null ? List.of(forced) : List.of(Strategy.FUSED, Strategy.SGEMM);
    }

    /** This choice forced to {@code strategy} (one of {@link #strategies()}), on the same device. */
    public StrategyChoice forcedTo(Strategy strategy) {
        if (!strategies().contains(strategy)) {
            throw new IllegalArgumentException(strategy.value() + " is not among this choice's strategies: " + this);
        }
        return new StrategyChoice(strategy, deviceMemoryBytes, noSgemm);
    }

    /** For availability details and failure messages. */
    public String describe() {
        if (forced == null) {
            return "fused tiles or cuBLAS SGEMM by shape";
        }
        if (noSgemm != null && forced == Strategy.FUSED) {
            return "fused tiles only (no SGEMM strategy: " + noSgemm + ")";
        }
        return (forced == Strategy.FUSED ? "fused tiles" : "cuBLAS SGEMM") + " for every call (" + PROPERTY + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
