package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The operations agree with each other on the backend under test: fused against separate calls, the reductions,
 * linearity in the upstream gradient, every buffer type, repeated and concurrent calls.
 */
public interface ConsistencyContract extends BackendUnderTest {

    @Provide
    default Arbitrary<Problem> consistencyProblems() {
        return Problems.wellSeparated(129, 150_000);
    }

    @Provide
    default Arbitrary<Reduction> scalarReductions() {
        return Arbitraries.of(Reduction.MEAN, Reduction.SUM);
    }

    private static boolean gradientComparable(Problem p) {
        return p.tau() > 0.0 || p.hardMinimumHasMargin();
    }

    /** w_i of every row for a scalar upstream of 1: 1/N for MEAN, 1 for SUM. */
    private static double weight(Problem p, Reduction reduction) {
        return reduction == Reduction.MEAN ? 1.0 / p.n() : 1.0;
    }

    @Property(tries = 90)
    default void fusedEqualsForwardThenBackward(@ForAll("consistencyProblems") Problem p,
                                                @ForAll("scalarReductions") Reduction reduction) {
        SoftSilhouetteLoss loss = loss(p, reduction);
        Calls.Fused fused = Calls.forwardBackward(loss, p, 1.0);
        Tolerances.loss("fused loss vs forward", fused.loss(), Calls.forward(loss, p));
        if (gradientComparable(p)) {
            Tolerances.gradient("fused gradient vs backward", fused.gradient(), Calls.backward(loss, p, 1.0),
                    AbsoluteGradient.norm(p, weight(p, reduction)));
        }
    }

    @Property(tries = 60)
    default void fusedNoneEqualsForwardThenBackward(@ForAll("consistencyProblems") Problem p, @ForAll long seed) {
        SoftSilhouetteLoss loss = loss(p, Reduction.NONE);
        float[] g = Calls.upstream(p.n(), seed);
        Calls.Fused fused = Calls.forwardBackward(loss, p, g);
        Tolerances.perSampleLosses("fused l vs forward", fused.perSample(), Calls.perSampleLosses(loss, p));
        if (gradientComparable(p)) {
            Tolerances.gradient("fused gradient vs backward", fused.gradient(), Calls.backward(loss, p, g),
                    AbsoluteGradient.norm(p, g));
        }
    }

    /** backward(c) = c backward(1), and forwardBackward's loss does not depend on c. */
    @Property(tries = 60)
    default void scalarUpstreamScalesTheGradientLinearly(@ForAll("consistencyProblems") Problem p,
                                                         @ForAll("scalarReductions") Reduction reduction,
                                                         @ForAll("upstreamScales") double c) {
        SoftSilhouetteLoss loss = loss(p, reduction);
        float[] unit = Calls.backward(loss, p, 1.0);
        float[] expected = new float[unit.length];
        for (int i = 0; i < unit.length; i++) {
            expected[i] = (float) (c * unit[i]);
        }
        Calls.Fused scaled = Calls.forwardBackward(loss, p, c);
        Tolerances.gradient("backward(" + c + ") vs " + c + " * backward(1)", scaled.gradient(), expected,
                AbsoluteGradient.norm(p, c * weight(p, reduction)));
        Tolerances.loss("loss with upstream " + c, scaled.loss(), Calls.forward(loss, p));
    }

    @Provide
    default Arbitrary<Double> upstreamScales() {
        return Arbitraries.of(0.0, -1.0, 0.5, -3.0, 1e3, 1e-3);
    }

    /** G(a g1 + g2) = a G(g1) + G(g2) for NONE. */
    @Property(tries = 60)
    default void perSampleUpstreamIsLinear(@ForAll("consistencyProblems") Problem p, @ForAll long seed1,
                                           @ForAll long seed2, @ForAll("upstreamScales") double a) {
        SoftSilhouetteLoss loss = loss(p, Reduction.NONE);
        float[] g1 = Calls.upstream(p.n(), seed1);
        float[] g2 = Calls.upstream(p.n(), seed2);
        float[] combined = new float[p.n()];
        for (int i = 0; i < p.n(); i++) {
            combined[i] = (float) (a * g1[i] + g2[i]);
        }
        float[] gradient1 = Calls.backward(loss, p, g1);
        float[] gradient2 = Calls.backward(loss, p, g2);
        float[] expected = new float[gradient1.length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (float) (a * gradient1[i] + gradient2[i]);
        }
        double bound = Tolerances.GRADIENT_RELATIVE
                * (Math.abs(a) * Math.max(Tolerances.frobenius(gradient1), AbsoluteGradient.norm(p, g1))
                + Math.max(Tolerances.frobenius(gradient2), AbsoluteGradient.norm(p, g2)))
                + Tolerances.GRADIENT_ABSOLUTE;
        Tolerances.gradientWithin("G(a g1 + g2) vs a G(g1) + G(g2)", Calls.backward(loss, p, combined), expected, bound);
    }

    /** NONE with the upstream c in every row is SUM with upstream c; the per-sample losses add up to the SUM loss. */
    @Property(tries = 60)
    default void noneWithConstantUpstreamEqualsSum(@ForAll("consistencyProblems") Problem p,
                                                   @ForAll("upstreamScales") double c) {
        float[] g = new float[p.n()];
        java.util.Arrays.fill(g, (float) c);
        float[] none = Calls.backward(loss(p, Reduction.NONE), p, g);
        Tolerances.gradient("NONE gradient with upstream " + c + " vs SUM", none,
                Calls.backward(loss(p, Reduction.SUM), p, (float) c), AbsoluteGradient.norm(p, c));
        double total = 0.0;
        for (float v : Calls.perSampleLosses(loss(p, Reduction.NONE), p)) {
            total += v;
        }
        Tolerances.loss("sum of per-sample losses vs SUM", total, Calls.forward(loss(p, Reduction.SUM), p));
    }

    /** MEAN = SUM / N, for the loss and the gradient. */
    @Property(tries = 60)
    default void meanIsSumOverN(@ForAll("consistencyProblems") Problem p) {
        double mean = Calls.forward(loss(p, Reduction.MEAN), p);
        double sum = Calls.forward(loss(p, Reduction.SUM), p);
        // Both come from the same sum of s_i; only the float64 rounding of the final division may differ.
        Tolerances.value("N * MEAN vs SUM", mean * p.n(), sum, 1e-12 * Math.max(1.0, sum));
        float[] meanGradient = Calls.backward(loss(p, Reduction.MEAN), p, p.n());
        Tolerances.gradient("MEAN gradient with upstream N vs SUM gradient", meanGradient,
                Calls.backward(loss(p, Reduction.SUM), p, 1.0), AbsoluteGradient.norm(p, 1.0));
    }

    /** Outputs are overwritten, never accumulated into: garbage in the output buffers changes nothing. */
    @Property(tries = 45)
    default void outputsAreOverwrittenNotAccumulated(@ForAll("consistencyProblems") Problem p, @ForAll long seed) {
        SoftSilhouetteLoss loss = loss(p, Reduction.NONE);
        float[] g = Calls.upstream(p.n(), seed);
        Calls.Fused clean = Calls.forwardBackward(loss, p, g);
        float[] losses = new float[p.n()];
        float[] gradient = new float[p.n() * p.d()];
        java.util.Arrays.fill(losses, Float.NaN);
        java.util.Arrays.fill(gradient, 12345.0f);
        loss.forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(g), Floats.of(losses),
                Floats.of(gradient));
        Tolerances.identical("l into a dirty buffer", losses, clean.perSample());
        Tolerances.identical("gradient into a dirty buffer", gradient, clean.gradient());
    }

    /** The same call three times, with calls of other shapes in between, gives the same bits. */
    @Property(tries = 45)
    default void repeatedCallsAreBitIdentical(@ForAll("consistencyProblems") Problem p,
                                              @ForAll("consistencyProblems") Problem other) {
        SoftSilhouetteLoss loss = loss(p, Reduction.MEAN);
        Calls.Fused first = Calls.forwardBackward(loss, p, 1.0);
        for (int round = 0; round < 2; round++) {
            Calls.forwardBackward(loss(other, Reduction.SUM), other, 1.0);
            Calls.Fused again = Calls.forwardBackward(loss, p, 1.0);
            Tolerances.identical("loss, call " + (round + 2), again.loss(), first.loss());
            Tolerances.identical("gradient, call " + (round + 2), again.gradient(), first.gradient());
        }
        float[] l = Calls.perSampleLosses(loss, p);
        Tolerances.identical("per-sample losses, call 2", Calls.perSampleLosses(loss, p), l);
    }

    /**
     * One loss object used by 8 threads at once, each on its own problems of different shapes, gives exactly the
     * results of serial calls.
     */
    @Property(tries = 20)
    default void oneLossSharedByEightThreadsMatchesSerialCalls(
            @ForAll @Size(8) List<@net.jqwik.api.From("threadProblems") Problem> problems,
            @ForAll("scalarReductions") Reduction reduction) throws Exception {
        SoftSilhouetteLoss loss = loss(problems.get(0).metric(), problems.get(0).tau(), reduction);
        List<Calls.Fused> serial = new ArrayList<>();
        for (Problem p : problems) {
            serial.add(Calls.forwardBackward(loss, p, 1.0));
        }
        int threads = 8;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 4; round++) {
                        for (int k = 0; k < problems.size(); k++) {
                            int index = (first + k) % problems.size();
                            Calls.Fused r = Calls.forwardBackward(loss, problems.get(index), 1.0);
                            Tolerances.identical("thread " + first + " problem " + index + " loss", r.loss(),
                                    serial.get(index).loss());
                            Tolerances.identical("thread " + first + " problem " + index + " gradient",
                                    r.gradient(), serial.get(index).gradient());
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AssertionError ae) {
                        throw ae;
                    }
                    throw e;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Problems for the threads: the metric and temperature of the loss come from the first; shapes vary. */
    @Provide
    default Arbitrary<Problem> threadProblems() {
        return Problems.any(97, 30_000);
    }

    /** Every buffer type, at an offset, gives bit-identical results and writes nothing outside its range. */
    @Property(tries = 45)
    default void everyBufferTypeGivesIdenticalResults(@ForAll("consistencyProblems") Problem p, @ForAll long seed) {
        SoftSilhouetteLoss loss = loss(p, Reduction.NONE);
        float[] g = Calls.upstream(p.n(), seed);
        Calls.Fused expected = Calls.forwardBackward(loss, p, g);
        for (BufferKind kind : BufferKind.values()) {
            BufferKind.FloatStorage x = kind.floats(p.x().length, BadInput.SENTINEL).set(p.x());
            BufferKind.FloatStorage up = kind.floats(p.n(), BadInput.SENTINEL).set(g);
            BufferKind.FloatStorage losses = kind.floats(p.n(), BadInput.SENTINEL);
            BufferKind.FloatStorage gradient = kind.floats(p.x().length, BadInput.SENTINEL);
            loss.forwardBackward(x.view(), kind.ints(p.labels()), p.n(), p.d(), up.view(), losses.view(),
                    gradient.view());
            Tolerances.identical(kind + " l", losses.values(), expected.perSample());
            Tolerances.identical(kind + " gradient", gradient.values(), expected.gradient());
            BadInput.requireUntouchedOutside(kind + " l", losses, p.n());
            BadInput.requireUntouchedOutside(kind + " gradient", gradient, p.x().length);
        }
    }
}
