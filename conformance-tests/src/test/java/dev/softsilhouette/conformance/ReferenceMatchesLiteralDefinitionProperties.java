package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Checks (a) and (b) of SPEC section 8 on the reference backend itself: against {@link LiteralDefinition} (SPEC
 * section 3 with nested loops, sharing no code with {@code SilhouetteMath} or {@code ReferenceBackend}) and against
 * central finite differences of that float64 definition.
 */
@AddLifecycleHook(ReproducibleSeeds.class)
class ReferenceMatchesLiteralDefinitionProperties {

    private static SoftSilhouetteLoss reference(Problem p, Reduction reduction) {
        return SoftSilhouetteLoss.builder().backend("reference").metric(p.metric()).temperature(p.tau())
                .reduction(reduction).build();
    }

    @Provide
    Arbitrary<Problem> problems() {
        return Problems.any(129, 100_000);
    }

    /**
     * Both are float64 on the same float32 inputs and differ only in summation order: 1e-10 relative on the loss. The
     * per-sample values are returned as float32, so they may differ by the float32 rounding of l in [0, 2]
     * (2^-23) on top.
     */
    @Property(tries = 150)
    void lossAndPerSampleValuesMatchTheLiteralDefinition(@ForAll("problems") Problem p) {
        double[] s = LiteralDefinition.silhouettes(p.metric(), p.tau(), p.x(), p.labels(), p.d());
        double sum = 0.0;
        for (double v : s) {
            sum += 1.0 - v;
        }
        Tolerances.value("SUM loss", Calls.forward(reference(p, Reduction.SUM), p), sum,
                1e-10 * Math.max(1.0, sum));
        Tolerances.value("MEAN loss", Calls.forward(reference(p, Reduction.MEAN), p), sum / p.n(),
                1e-10 * Math.max(1.0, sum / p.n()));
        float[] l = Calls.perSampleLosses(reference(p, Reduction.NONE), p);
        for (int i = 0; i < p.n(); i++) {
            Tolerances.value("l[" + i + "]", l[i], 1.0 - s[i], 0x1p-23 + 1e-10);
        }
        if (p.scorable()) {
            float[] samples = Calls.samples(reference(p, Reduction.MEAN), p);
            double[] hard = LiteralDefinition.silhouettes(p.metric(), 0.0, p.x(), p.labels(), p.d());
            double mean = 0.0;
            for (int i = 0; i < p.n(); i++) {
                Tolerances.value("s[" + i + "]", samples[i], hard[i], 0x1p-24 + 1e-10);
                mean += hard[i] / p.n();
            }
            Tolerances.value("score", Calls.score(reference(p, Reduction.MEAN), p), mean, 1e-10);
        }
    }

    @Provide
    Arbitrary<Problem> smallProblems() {
        return Combinators.combine(Problems.rows(2, 12), Arbitraries.integers().between(1, 4), Problems.metrics(),
                        Problems.temperatures(), Problems.labelShapes(), Arbitraries.of(Problems.LabelValues.class),
                        Problems.seeds())
                .as((n, d, metric, tau, shape, values, seed) -> Problems.build(n, d, metric, tau, shape, values, 0.6,
                        Problems.Transform.NONE, seed, true))
                .filter(p -> p.tau() > 0.0 || p.hardMinimumHasMargin());
    }

    /**
     * The reference gradient of {@code sum_i g_i l_i} against central differences of the float64 definition at the
     * same (float32) point, step h = 1e-6 times the largest |x|.
     *
     * <p>Tolerance 1e-5 ||G|| + 1e-9: the reference's gradient is returned as float32 (relative error 2^-24 per
     * value); the central difference's truncation error is O(h^2) relative, its rounding error about
     * 1e-16 |L| / h = 1e-10 relative. A wrong formula (a missing symmetric term, a wrong class size, a wrong softmin
     * derivative) is off by O(1). tau = 0 only where the argmin has a margin (1e-3 relative, far beyond h), so that no
     * step crosses a switch of the nearest class.
     */
    @Property(tries = 120)
    void gradientMatchesCentralFiniteDifferences(@ForAll("smallProblems") Problem p, @ForAll long seed) {
        float[] g = Calls.upstream(p.n(), seed);
        float[] gradient = Calls.backward(reference(p, Reduction.NONE), p, g);
        double[] weights = new double[p.n()];
        for (int i = 0; i < p.n(); i++) {
            weights[i] = g[i];
        }
        double[] x = LiteralDefinition.widen(p.x());
        double largest = 0.0;
        for (double v : x) {
            largest = Math.max(largest, Math.abs(v));
        }
        double h = 1e-6 * Math.max(largest, 1e-30);
        float[] fd = new float[x.length];
        double[] fdExact = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double saved = x[k];
            x[k] = saved + h;
            double up = LiteralDefinition.weightedLoss(p.metric(), p.tau(), x, p.labels(), p.d(), weights);
            x[k] = saved - h;
            double down = LiteralDefinition.weightedLoss(p.metric(), p.tau(), x, p.labels(), p.d(), weights);
            x[k] = saved;
            fdExact[k] = (up - down) / (2 * h);
            fd[k] = (float) fdExact[k];
        }
        double norm = 0.0;
        for (double v : fdExact) {
            norm += v * v;
        }
        Tolerances.gradientWithin("reference gradient vs central differences", gradient, fd,
                1e-5 * Math.sqrt(norm) + 1e-9);
    }

    /** The margin definition itself: a problem built with two equidistant competing classes has none. */
    @net.jqwik.api.Example
    void equidistantCompetingClassesHaveNoMargin() {
        // Row 0 and 1 in class 0 at the origin side; classes 1 and 2 mirror each other around the x axis.
        float[] x = {0f, 0f, 0f, 0.1f, 1f, 1f, 1f, 1.1f, 1f, -1f, 1f, -1.1f};
        int[] y = {0, 0, 1, 1, 2, 2};
        Problem p = new Problem(6, 2, x, y, Metric.EUCLIDEAN, 0.0, "mirror");
        if (p.hardMinimumHasMargin()) {
            throw new AssertionError("mirror-image classes must have no argmin margin");
        }
        Problem shifted = p.withX(new float[]{0f, 0f, 0f, 0.1f, 1f, 1f, 1f, 1.1f, 2f, -2f, 2f, -2.1f}, "shifted");
        if (!shifted.hardMinimumHasMargin()) {
            throw new AssertionError("a clearly nearer class must give a margin");
        }
    }
}
