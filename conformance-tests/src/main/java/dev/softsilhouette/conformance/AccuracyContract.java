package dev.softsilhouette.conformance;

import dev.softsilhouette.Reduction;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The backend equals the float64 reference within SPEC section 8, on inputs meeting its precondition (no
 * near-duplicate rows). tau = 0 gradients are compared only when the hard minimum has a margin on every row
 * ({@link Problem#hardMinimumHasMargin()}), because the gradient of every row collects coefficients of every other row.
 */
public interface AccuracyContract extends BackendUnderTest {

    /**
     * One problem in four has classes that overlap away from the batch's centre ({@link Problems#overlappingClasses}):
     * the data on which class statistics taken through the float32 expansion cancel.
     */
    @Provide
    default Arbitrary<Problem> accuracyProblems() {
        return Arbitraries.frequencyOf(Tuple.of(3, Problems.wellSeparated(257, 400_000)),
                Tuple.of(1, Problems.overlappingClasses(257, 400_000)));
    }

    @Provide
    default Arbitrary<Problem> scorableProblems() {
        return Arbitraries.frequencyOf(Tuple.of(3, Problems.scorable(257, 400_000)),
                Tuple.of(1, Problems.overlappingClasses(257, 400_000)));
    }

    /** Whether this problem's gradient is comparable: tau > 0, or tau = 0 with a margin. */
    private static boolean gradientComparable(Problem p) {
        boolean comparable = p.tau() > 0.0 || p.hardMinimumHasMargin();
        Statistics.label("gradient compared").collect(comparable);
        return comparable;
    }

    @Property(tries = 200)
    default void meanLossMatchesReference(@ForAll("accuracyProblems") Problem p) {
        Tolerances.loss("MEAN loss", Calls.forward(loss(p, Reduction.MEAN), p),
                Calls.forward(referenceLoss(p, Reduction.MEAN), p));
    }

    @Property(tries = 200)
    default void sumLossMatchesReference(@ForAll("accuracyProblems") Problem p) {
        Tolerances.loss("SUM loss", Calls.forward(loss(p, Reduction.SUM), p),
                Calls.forward(referenceLoss(p, Reduction.SUM), p));
    }

    @Property(tries = 200)
    default void perSampleLossesMatchReference(@ForAll("accuracyProblems") Problem p) {
        Tolerances.perSampleLosses("l", Calls.perSampleLosses(loss(p, Reduction.NONE), p),
                Calls.perSampleLosses(referenceLoss(p, Reduction.NONE), p));
    }

    @Property(tries = 200)
    default void fusedMeanLossAndGradientMatchReference(@ForAll("accuracyProblems") Problem p) {
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.MEAN), p, 1.0);
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.MEAN), p, 1.0);
        Tolerances.loss("MEAN loss from forwardBackward", actual.loss(), expected.loss());
        Tolerances.finite("gradient", actual.gradient());
        if (gradientComparable(p)) {
            Tolerances.gradient("MEAN gradient", actual.gradient(), expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0 / p.n()));
        }
    }

    @Property(tries = 120)
    default void sumGradientMatchesReference(@ForAll("accuracyProblems") Problem p) {
        float[] actual = Calls.backward(loss(p, Reduction.SUM), p, 1.0);
        Tolerances.finite("gradient", actual);
        if (gradientComparable(p)) {
            Tolerances.gradient("SUM gradient", actual, Calls.backward(referenceLoss(p, Reduction.SUM), p, 1.0),
                    AbsoluteGradient.norm(p, 1.0));
        }
    }

    @Property(tries = 120)
    default void noneGradientMatchesReference(@ForAll("accuracyProblems") Problem p,
                                              @ForAll long upstreamSeed) {
        float[] g = Calls.upstream(p.n(), upstreamSeed);
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.NONE), p, g);
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.NONE), p, g);
        Tolerances.perSampleLosses("l from forwardBackward", actual.perSample(), expected.perSample());
        Tolerances.finite("gradient", actual.gradient());
        if (gradientComparable(p)) {
            Tolerances.gradient("NONE gradient", actual.gradient(), expected.gradient(), AbsoluteGradient.norm(p, g));
        }
    }

    /** tau = 0 only, margin required: the classical silhouette's gradient. */
    @Property(tries = 120)
    default void hardMinimumGradientMatchesReferenceWhereTheArgminHasAMargin(
            @ForAll("accuracyProblems") Problem problem) {
        Problem p = problem.withTau(0.0);
        float[] actual = Calls.backward(loss(p, Reduction.MEAN), p, 1.0);
        Tolerances.finite("gradient", actual);
        if (gradientComparable(p)) {
            Tolerances.gradient("tau=0 gradient", actual, Calls.backward(referenceLoss(p, Reduction.MEAN), p, 1.0),
                    AbsoluteGradient.norm(p, 1.0 / p.n()));
        }
    }

    @Property(tries = 160)
    default void scoreMatchesReference(@ForAll("scorableProblems") Problem p) {
        Tolerances.score("score", Calls.score(loss(p, Reduction.MEAN), p),
                Calls.score(referenceLoss(p, Reduction.MEAN), p));
    }

    @Property(tries = 160)
    default void samplesMatchReference(@ForAll("scorableProblems") Problem p) {
        Tolerances.samples("s", Calls.samples(loss(p, Reduction.MEAN), p),
                Calls.samples(referenceLoss(p, Reduction.MEAN), p));
    }
}
