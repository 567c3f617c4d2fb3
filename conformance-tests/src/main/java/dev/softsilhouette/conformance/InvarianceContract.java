package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Laws of the function: the backend on transformed inputs against the reference on the original ones, within
 * SPEC section 8 (the reference itself is invariant up to float64 rounding, far below the tolerances).
 */
public interface InvarianceContract extends BackendUnderTest {

    @Provide
    default Arbitrary<Problem> lawProblems() {
        return Problems.wellSeparated(129, 150_000);
    }

    private static boolean gradientComparable(Problem p) {
        return p.tau() > 0.0 || p.hardMinimumHasMargin();
    }

    @Property(tries = 120)
    default void rowPermutationPermutesTheGradient(@ForAll("lawProblems") Problem p, @ForAll long seed) {
        int[] perm = IntStream.range(0, p.n()).toArray();
        Problems.shuffle(perm, new SplittableRandom(seed));
        float[] x = new float[p.x().length];
        int[] y = new int[p.n()];
        for (int i = 0; i < p.n(); i++) {
            System.arraycopy(p.x(), perm[i] * p.d(), x, i * p.d(), p.d());
            y[i] = p.labels()[perm[i]];
        }
        Problem permuted = new Problem(p.n(), p.d(), x, y, p.metric(), p.tau(), p.origin() + ", rows permuted");
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.SUM), permuted, 1.0);
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.SUM), p, 1.0);
        Tolerances.loss("loss of permuted rows", actual.loss(), expected.loss());
        if (gradientComparable(p)) {
            float[] unpermuted = new float[x.length];
            for (int i = 0; i < p.n(); i++) {
                System.arraycopy(actual.gradient(), i * p.d(), unpermuted, perm[i] * p.d(), p.d());
            }
            Tolerances.gradient("gradient of permuted rows, permuted back", unpermuted, expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0));
        }
    }

    /** An increasing relabelling (to sparse and huge values) leaves the prepared batch alone: results are identical. */
    @Property(tries = 80)
    default void increasingRelabellingIsBitIdentical(@ForAll("lawProblems") Problem p, @ForAll long seed) {
        int[] classes = LiteralDefinition.classesPresent(p.labels());
        SplittableRandom random = new SplittableRandom(seed);
        int[] values = IntStream.generate(() -> random.nextInt(Integer.MAX_VALUE)).distinct().limit(classes.length - 1)
                .sorted().toArray();
        int[] mapped = IntStream.concat(IntStream.of(values), IntStream.of(Integer.MAX_VALUE)).toArray();
        int[] y = new int[p.n()];
        for (int i = 0; i < p.n(); i++) {
            y[i] = mapped[java.util.Arrays.binarySearch(classes, p.labels()[i])];
        }
        Problem relabelled = p.withLabels(y, "relabelled increasingly");
        Calls.Fused a = Calls.forwardBackward(loss(p, Reduction.MEAN), p, 1.0);
        Calls.Fused b = Calls.forwardBackward(loss(p, Reduction.MEAN), relabelled, 1.0);
        Tolerances.identical("loss", b.loss(), a.loss());
        Tolerances.identical("gradient", b.gradient(), a.gradient());
    }

    /** Any bijection of the classes, to any non-negative values, changes nothing. */
    @Property(tries = 120)
    default void anyRelabellingChangesNothing(@ForAll("lawProblems") Problem p, @ForAll long seed,
                                              @ForAll Problems.LabelValues kind) {
        int[] classes = LiteralDefinition.classesPresent(p.labels());
        int[] compact = new int[p.n()];
        for (int i = 0; i < p.n(); i++) {
            compact[i] = java.util.Arrays.binarySearch(classes, p.labels()[i]);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] permutation = IntStream.range(0, classes.length).toArray();
        Problems.shuffle(permutation, random);
        int[] permutedCompact = IntStream.of(compact).map(c -> permutation[c]).toArray();
        Problem relabelled = p.withLabels(Problems.relabel(permutedCompact, kind, random), "relabelled " + kind);
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.NONE), relabelled, ones(p.n()));
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.NONE), p, ones(p.n()));
        Tolerances.perSampleLosses("l after relabelling", actual.perSample(), expected.perSample());
        if (gradientComparable(p)) {
            Tolerances.gradient("gradient after relabelling", actual.gradient(), expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0));
        }
    }

    /**
     * Euclidean-family losses and gradients do not move under translation. The rows are first rounded to a grid
     * fine enough to keep them well separated and coarse enough that adding the translation is exact in float32.
     */
    @Property(tries = 120)
    default void translationLeavesEuclideanFamilyUnchanged(@ForAll("lawProblems") Problem problem,
                                                           @ForAll boolean squared, @ForAll long seed) {
        Problem p = gridded(problem.withMetric(squared ? Metric.SQUARED_EUCLIDEAN : Metric.EUCLIDEAN));
        Assume.that(p.rowsAreWellSeparated());
        float quantum = quantum(p.x());
        SplittableRandom random = new SplittableRandom(seed);
        float[] shift = new float[p.d()];
        for (int t = 0; t < p.d(); t++) {
            shift[t] = quantum * (random.nextInt(1 << 14) - (1 << 13));
        }
        float[] x = p.x().clone();
        for (int i = 0; i < x.length; i++) {
            x[i] += shift[i % p.d()];
        }
        Problem moved = p.withX(x, "translated");
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.MEAN), moved, 1.0);
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.MEAN), p, 1.0);
        Tolerances.loss("loss after translation", actual.loss(), expected.loss());
        if (gradientComparable(p)) {
            Tolerances.gradient("gradient after translation", actual.gradient(), expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0 / p.n()));
        }
    }

    /**
     * Translation invariance makes the rows of a Euclidean-family gradient sum to zero, for any upstream weights.
     * Bound: with ||G - G_ref|| <= e (SPEC 8) and sum_i G_ref,i = 0, ||sum_i G_i|| <= sqrt(N) e.
     */
    @Property(tries = 120)
    default void euclideanFamilyGradientRowsSumToZero(@ForAll("lawProblems") Problem problem,
                                                      @ForAll boolean squared, @ForAll long seed) {
        Problem p = problem.withMetric(squared ? Metric.SQUARED_EUCLIDEAN : Metric.EUCLIDEAN);
        float[] upstream = Calls.upstream(p.n(), seed);
        float[] g = Calls.backward(loss(p, Reduction.NONE), p, upstream);
        Tolerances.finite("gradient", g);
        double[] sum = new double[p.d()];
        for (int i = 0; i < g.length; i++) {
            sum[i % p.d()] += g[i];
        }
        double norm = Math.sqrt(java.util.Arrays.stream(sum).map(v -> v * v).sum());
        double bound = Math.sqrt(p.n()) * Tolerances.gradientBound(g, AbsoluteGradient.norm(p, upstream));
        if (!(norm <= bound)) {
            throw new AssertionError("||sum_i G_i|| = " + norm + " exceeds " + bound);
        }
    }

    /** COSINE sees directions only: each gradient row is orthogonal to its row. */
    @Property(tries = 120)
    default void cosineGradientRowsAreOrthogonalToTheirRows(@ForAll("lawProblems") Problem problem,
                                                            @ForAll long seed) {
        Problem p = problem.withMetric(Metric.COSINE);
        float[] upstream = Calls.upstream(p.n(), seed);
        float[] g = Calls.backward(loss(p, Reduction.NONE), p, upstream);
        Tolerances.finite("gradient", g);
        double bound = Tolerances.gradientBound(g, AbsoluteGradient.norm(p, upstream));
        for (int i = 0; i < p.n(); i++) {
            double dot = 0.0;
            for (int t = 0; t < p.d(); t++) {
                dot += (double) p.x()[i * p.d() + t] * g[i * p.d() + t];
            }
            double norm = LiteralDefinition.norm(p.x(), p.d(), i);
            if (!(Math.abs(dot) <= norm * bound)) {
                throw new AssertionError("row " + i + ": <x_i, G_i> = " + dot + " exceeds " + norm * bound);
            }
        }
    }

    /** Scaling every row by a power of two leaves the hard score and samples unchanged, for every metric. */
    @Property(tries = 120)
    default void rescalingLeavesTheHardScoreUnchanged(@ForAll("lawProblems") Problem p,
                                                      @ForAll @IntRange(min = -12, max = 12) int exponent) {
        Assume.that(p.scorable());
        Problem scaled = p.withX(scale(p.x(), Math.scalb(1.0f, exponent)), "scaled by 2^" + exponent);
        Tolerances.score("score after rescaling", Calls.score(loss(p, Reduction.MEAN), scaled),
                Calls.score(referenceLoss(p, Reduction.MEAN), p));
        Tolerances.samples("s after rescaling", Calls.samples(loss(p, Reduction.MEAN), scaled),
                Calls.samples(referenceLoss(p, Reduction.MEAN), p));
    }

    /**
     * Scaling rows by c and the temperature with the distances (c for EUCLIDEAN, c^2 for SQUARED_EUCLIDEAN, 1 for
     * COSINE) leaves the soft loss unchanged and divides the gradient by c.
     */
    @Property(tries = 120)
    default void scalingRowsAndTemperatureTogetherLeavesTheLossUnchanged(
            @ForAll("lawProblems") Problem p, @ForAll @IntRange(min = -8, max = 8) int exponent) {
        float c = Math.scalb(1.0f, exponent);
        double distanceScale = switch (p.metric()) {
            case EUCLIDEAN -> c;
            case SQUARED_EUCLIDEAN -> (double) c * c;
            case COSINE -> 1.0;
        };
        Problem scaled = p.withX(scale(p.x(), c), "scaled by 2^" + exponent).withTau(p.tau() * distanceScale);
        Calls.Fused actual = Calls.forwardBackward(loss(scaled, Reduction.MEAN), scaled, 1.0);
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.MEAN), p, 1.0);
        Tolerances.loss("loss after scaling", actual.loss(), expected.loss());
        if (gradientComparable(p)) {
            Tolerances.gradient("c * gradient after scaling", scale(actual.gradient(), c), expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0 / p.n()));
        }
    }

    private static float[] ones(int n) {
        float[] g = new float[n];
        java.util.Arrays.fill(g, 1.0f);
        return g;
    }

    private static float[] scale(float[] values, float c) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i] * c;
        }
        return out;
    }

    /** A power of two such that every value is a multiple of it below 2^13 of it in magnitude. */
    private static float quantum(float[] x) {
        float max = 0.0f;
        for (float v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return Math.scalb(1.0f, Math.getExponent(Math.max(max, Float.MIN_NORMAL)) - 12);
    }

    /** Rows rounded to multiples of {@link #quantum}: translating by such multiples (below 2^13 of them) is exact. */
    private static Problem gridded(Problem p) {
        float q = quantum(p.x());
        float[] x = new float[p.x().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.round(p.x()[i] / q) * q;
        }
        return p.withX(x, "rounded to multiples of " + q);
    }
}
