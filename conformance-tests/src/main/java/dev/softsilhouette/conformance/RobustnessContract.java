package dev.softsilhouette.conformance;

import dev.softsilhouette.Reduction;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Ranges, conventions, and the stress inputs of SPEC section 8 (near-duplicate rows, magnitudes 1e-20 and 1e18, D up
 * to 4096): finite results and the looser bound of {@code docs/conformance.md} ({@link Tolerances#STRESS_VALUE},
 * {@link Tolerances#STRESS_GRADIENT_RELATIVE}).
 */
public interface RobustnessContract extends BackendUnderTest {

    @Provide
    default Arbitrary<Problem> anyProblems() {
        return Problems.any(257, 300_000);
    }

    @Provide
    default Arbitrary<Problem> nearDuplicateProblems() {
        return Problems.nearDuplicates();
    }

    @Provide
    default Arbitrary<Problem> extremeMagnitudeProblems() {
        return Problems.extremeMagnitudes();
    }

    @Provide
    default Arbitrary<Problem> largeDimensionProblems() {
        return Problems.largeDimensions();
    }

    /** s in [-1, 1], l in [0, 2], MEAN in [0, 2], SUM in [0, 2N], for any input. */
    @Property(tries = 200)
    default void silhouettesAndLossesStayInRange(@ForAll("anyProblems") Problem p) {
        float[] l = Calls.perSampleLosses(loss(p, Reduction.NONE), p);
        for (int i = 0; i < p.n(); i++) {
            if (!(l[i] >= 0.0f && l[i] <= 2.0f)) {
                throw new AssertionError("l[" + i + "] = " + l[i] + " is outside [0, 2]");
            }
        }
        double mean = Calls.forward(loss(p, Reduction.MEAN), p);
        double sum = Calls.forward(loss(p, Reduction.SUM), p);
        if (!(mean >= 0.0 && mean <= 2.0 && sum >= 0.0 && sum <= 2.0 * p.n())) {
            throw new AssertionError("MEAN " + mean + " outside [0, 2] or SUM " + sum + " outside [0, 2N]");
        }
        if (p.scorable()) {
            float[] s = Calls.samples(loss(p, Reduction.MEAN), p);
            for (int i = 0; i < p.n(); i++) {
                if (!(s[i] >= -1.0f && s[i] <= 1.0f)) {
                    throw new AssertionError("s[" + i + "] = " + s[i] + " is outside [-1, 1]");
                }
            }
        }
    }

    @Property(tries = 120)
    default void nearDuplicateRowsGiveFiniteResultsWithinTheLooserBound(
            @ForAll("nearDuplicateProblems") Problem p) {
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.MEAN), p, 1.0);
        Tolerances.finite("loss", actual.loss());
        Tolerances.finite("gradient", actual.gradient());
        Tolerances.stressLoss("loss", actual.loss(), Calls.forward(referenceLoss(p, Reduction.MEAN), p));
        Tolerances.stressSamples("l", Calls.perSampleLosses(loss(p, Reduction.NONE), p),
                Calls.perSampleLosses(referenceLoss(p, Reduction.NONE), p));
        if (p.scorable()) {
            Tolerances.value("score", Calls.score(loss(p, Reduction.MEAN), p),
                    Calls.score(referenceLoss(p, Reduction.MEAN), p), Tolerances.STRESS_VALUE);
        }
    }

    @Property(tries = 120)
    default void extremeMagnitudesGiveFiniteResultsWithinTheLooserBound(
            @ForAll("extremeMagnitudeProblems") Problem p) {
        stress(p);
    }

    @Property(tries = 40)
    default void largeDimensionsGiveFiniteResultsWithinTheLooserBound(@ForAll("largeDimensionProblems") Problem p) {
        stress(p);
    }

    private void stress(Problem p) {
        Calls.Fused actual = Calls.forwardBackward(loss(p, Reduction.MEAN), p, 1.0);
        Tolerances.finite("loss", actual.loss());
        Tolerances.finite("gradient", actual.gradient());
        Calls.Fused expected = Calls.forwardBackward(referenceLoss(p, Reduction.MEAN), p, 1.0);
        Tolerances.stressLoss("loss", actual.loss(), expected.loss());
        if (p.tau() > 0.0 || p.hardMinimumHasMargin()) {
            Tolerances.stressGradient("gradient", actual.gradient(), expected.gradient(),
                    AbsoluteGradient.norm(p, 1.0 / p.n()));
        }
        Tolerances.stressSamples("l", Calls.perSampleLosses(loss(p, Reduction.NONE), p),
                Calls.perSampleLosses(referenceLoss(p, Reduction.NONE), p));
    }

    /**
     * Identical rows: every distance is 0, max(a, b) = 0 everywhere, so every s_i is 0, every l_i exactly 1 and the
     * gradient zero, for every metric (under COSINE too: a backend must not turn 1 - <u, u> into rounding noise).
     */
    @Property(tries = 60)
    default void identicalRowsGiveZeroSilhouettesAndNoGradient(@ForAll("anyProblems") Problem problem) {
        float[] x = new float[problem.x().length];
        for (int i = 0; i < problem.n(); i++) {
            System.arraycopy(problem.x(), 0, x, i * problem.d(), problem.d());
        }
        Problem p = problem.withX(x, "every row equal to row 0");
        float[] l = Calls.perSampleLosses(loss(p, Reduction.NONE), p);
        float[] g = Calls.backward(loss(p, Reduction.SUM), p, 1.0);
        for (int i = 0; i < p.n(); i++) {
            Tolerances.identical("l[" + i + "]", l[i], 1.0);
        }
        Tolerances.gradientWithin("gradient", g, new float[x.length], Tolerances.GRADIENT_ABSOLUTE);
    }

    /**
     * A singleton row has s = 0 (l = 1 exactly) and puts no weight on the gradient; a batch of one class has every
     * l = 1 and a zero gradient.
     */
    @Property(tries = 120)
    default void singletonAndOneClassConventions(@ForAll("anyProblems") Problem p) {
        float[] l = Calls.perSampleLosses(loss(p, Reduction.NONE), p);
        boolean oneClass = p.classCount() == 1;
        int gradientsChecked = 0;
        for (int i = 0; i < p.n(); i++) {
            int label = p.labels()[i];
            boolean singleton = java.util.Arrays.stream(p.labels()).filter(v -> v == label).count() == 1;
            if (oneClass || singleton) {
                Tolerances.identical("l[" + i + "] (" + (oneClass ? "one class" : "singleton") + ")", l[i], 1.0);
                if (gradientsChecked++ >= 3) {
                    continue; // three rows' gradients are enough; each costs a full backward
                }
                float[] upstream = new float[p.n()];
                upstream[i] = 1.0f;
                Tolerances.gradientWithin("gradient of l[" + i + "] alone",
                        Calls.backward(loss(p, Reduction.NONE), p, upstream), new float[p.x().length],
                        Tolerances.GRADIENT_ABSOLUTE);
            }
        }
        if (oneClass) {
            Tolerances.identical("MEAN loss of one class", Calls.forward(loss(p, Reduction.MEAN), p), 1.0);
            Tolerances.gradientWithin("gradient of one class", Calls.backward(loss(p, Reduction.MEAN), p, 1.0),
                    new float[p.x().length], 0.0);
        }
    }

    /** The hard score needs 2 to N-1 classes (SPEC section 7); the message names the count. */
    @Property(tries = 80)
    default void scoreRejectsClassCountsOutsideTwoToNMinusOne(@ForAll("anyProblems") Problem problem,
                                                              @ForAll boolean allSingletons) {
        int[] labels = new int[problem.n()];
        if (allSingletons) {
            for (int i = 0; i < labels.length; i++) {
                labels[i] = 7 * i + 3;
            }
        }
        Problem p = problem.withLabels(labels, allSingletons ? "every row its own class" : "one class");
        int classes = allSingletons ? p.n() : 1;
        try {
            Calls.score(loss(p, Reduction.MEAN), p);
            throw new AssertionError("score accepted " + classes + " classes for n=" + p.n());
        } catch (IllegalArgumentException e) {
            BadInput.requireMentions(e, "is " + classes);
        }
        BufferKind.FloatStorage out = BufferKind.ARRAY_WITH_OFFSET.floats(p.n(), BadInput.SENTINEL);
        float[] before = out.everything();
        try {
            loss(p, Reduction.MEAN).samples(dev.softsilhouette.Floats.of(p.x()), dev.softsilhouette.Ints.of(p.labels()),
                    p.n(), p.d(), out.view());
            throw new AssertionError("samples accepted " + classes + " classes for n=" + p.n());
        } catch (IllegalArgumentException e) {
            BadInput.requireMentions(e, "is " + classes);
        }
        Tolerances.identical("samples output after rejection", out.everything(), before);
    }
}
