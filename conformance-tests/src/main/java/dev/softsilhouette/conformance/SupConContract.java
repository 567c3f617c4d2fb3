package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SupConLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SupCon (SPEC section 11) on a backend that implements it: the float64 reference within SPEC section 8, the formula
 * written literally, central finite differences, row permutation, label relabelling, scale invariance, and the bad
 * inputs of SPEC section 9. A separate contract from {@link SoftSilhouetteContract}: GPU backends do not implement
 * SupCon, and a backend named for SupCon that lacks it is refused by the API.
 */
public interface SupConContract extends BackendUnderTest {

    /** A problem and the two temperatures. */
    record SupConProblem(Problem p, double temperature, double baseTemperature) {
        @Override
        public String toString() {
            return p + " T=" + temperature + " T_b=" + baseTemperature;
        }
    }

    default SupConLoss supCon(SupConProblem q, Reduction reduction) {
        return SupConLoss.builder().backend(backendName()).temperature(q.temperature())
                .baseTemperature(q.baseTemperature()).reduction(reduction).build();
    }

    default SupConLoss referenceSupCon(SupConProblem q, Reduction reduction) {
        return SupConLoss.builder().backend("reference").temperature(q.temperature())
                .baseTemperature(q.baseTemperature()).reduction(reduction).build();
    }

    private static Arbitrary<SupConProblem> withTemperatures(Arbitrary<Problem> problems) {
        return Combinators.combine(problems, Arbitraries.of(0.05, 0.07, 0.1, 0.5, 1.0), Arbitraries.of(0.07, 1.0))
                .as(SupConProblem::new);
    }

    @Provide
    default Arbitrary<SupConProblem> supConProblems() {
        return withTemperatures(Problems.wellSeparated(257, 400_000));
    }

    @Provide
    default Arbitrary<SupConProblem> smallSupConProblems() {
        return withTemperatures(Combinators.combine(Problems.rows(2, 16), Arbitraries.integers().between(1, 5),
                        Problems.labelShapes(), Arbitraries.of(Problems.LabelValues.class), Problems.seeds())
                .as((n, d, shape, values, seed) -> Problems.build(n, d, dev.softsilhouette.Metric.COSINE, 0.0, shape,
                        values, 0.6, Problems.Transform.NONE, seed, true)));
    }

    @Property(tries = 100)
    default void supConMeanLossAndGradientMatchReference(@ForAll("supConProblems") SupConProblem q) {
        Problem p = q.p();
        float[] g = new float[p.n() * p.d()];
        float[] gRef = new float[p.n() * p.d()];
        double value = supCon(q, Reduction.MEAN).forwardBackward(p.x(), p.labels(), p.d(), g);
        double ref = referenceSupCon(q, Reduction.MEAN).forwardBackward(p.x(), p.labels(), p.d(), gRef);
        SupConChecks.loss("MEAN SupCon", value, ref);
        SupConChecks.gradient("MEAN SupCon gradient", g, gRef, SupConChecks.absolute(q, p.x(), p.labels(), 1.0 / p.n()));
        SupConChecks.loss("MEAN SupCon forward", supCon(q, Reduction.MEAN).forward(Floats.of(p.x()),
                Ints.of(p.labels()), p.n(), p.d()), ref);
    }

    @Property(tries = 60)
    default void supConSumBackwardMatchesReference(@ForAll("supConProblems") SupConProblem q) {
        Problem p = q.p();
        float[] g = new float[p.n() * p.d()];
        float[] gRef = new float[p.n() * p.d()];
        supCon(q, Reduction.SUM).backward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), 0.5, Floats.of(g));
        referenceSupCon(q, Reduction.SUM).backward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), 0.5,
                Floats.of(gRef));
        SupConChecks.gradient("SUM SupCon gradient, upstream 0.5", g, gRef,
                SupConChecks.absolute(q, p.x(), p.labels(), 0.5));
    }

    @Property(tries = 60)
    default void supConPerAnchorLossesAndWeightedGradientMatchReference(@ForAll("supConProblems") SupConProblem q,
                                                                        @ForAll long seed) {
        Problem p = q.p();
        float[] upstream = Calls.upstream(p.n(), seed);
        float[] l = new float[p.n()];
        float[] lRef = new float[p.n()];
        float[] g = new float[p.n() * p.d()];
        float[] gRef = new float[p.n() * p.d()];
        supCon(q, Reduction.NONE).forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(),
                Floats.of(upstream), Floats.of(l), Floats.of(g));
        referenceSupCon(q, Reduction.NONE).forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(),
                Floats.of(upstream), Floats.of(lRef), Floats.of(gRef));
        for (int i = 0; i < p.n(); i++) {
            SupConChecks.loss("l_" + i, l[i], lRef[i]);
        }
        SupConChecks.gradient("NONE SupCon gradient", g, gRef,
                SupConChecks.absolute(q, p.x(), p.labels(), SupConChecks.widen(upstream)));
    }

    /** Every anchor's loss equals the formula written literally (singletons 0), within the loss bound. */
    @Property(tries = 60)
    default void supConMatchesTheLiteralFormula(@ForAll("supConProblems") SupConProblem q) {
        Problem p = q.p();
        float[] l = new float[p.n()];
        supCon(q, Reduction.NONE).forward(Floats.of(p.x()), Ints.of(p.labels()), p.n(), p.d(), Floats.of(l));
        double[] literal = SupConLiteral.perAnchor(LiteralDefinition.widen(p.x()), p.labels(), p.d(),
                q.temperature(), q.baseTemperature());
        for (int i = 0; i < p.n(); i++) {
            SupConChecks.loss("l_" + i + " vs the literal formula", l[i], literal[i]);
        }
    }

    /**
     * The gradient of {@code sum_i g_i l_i} against central differences of the literal formula at the same point,
     * step 1e-4 times the row's norm (truncation O(h^2), far below the SPEC section 8 bound the float32 gradient has).
     */
    @Property(tries = 40)
    default void supConGradientMatchesFiniteDifferences(@ForAll("smallSupConProblems") SupConProblem q,
                                                        @ForAll long seed) {
        Problem p = q.p();
        int n = p.n();
        int d = p.d();
        float[] upstream = Calls.upstream(n, seed);
        float[] g = new float[n * d];
        supCon(q, Reduction.NONE).backward(Floats.of(p.x()), Ints.of(p.labels()), n, d, Floats.of(upstream),
                Floats.of(g));
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            weights[i] = upstream[i];
        }
        double[] x = LiteralDefinition.widen(p.x());
        float[] fd = new float[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int t = 0; t < d; t++) {
                norm += x[i * d + t] * x[i * d + t];
            }
            double h = 1e-4 * Math.max(Math.sqrt(norm), 1e-30);
            for (int t = 0; t < d; t++) {
                int k = i * d + t;
                double saved = x[k];
                x[k] = saved + h;
                double up = SupConLiteral.weighted(x, p.labels(), d, q.temperature(), q.baseTemperature(), weights);
                x[k] = saved - h;
                double down = SupConLiteral.weighted(x, p.labels(), d, q.temperature(), q.baseTemperature(),
                        weights);
                x[k] = saved;
                fd[k] = (float) ((up - down) / (2 * h));
            }
        }
        SupConChecks.gradient("SupCon gradient vs central differences", g, fd, SupConChecks.absolute(q, p.x(), p.labels(), weights));
    }

    /** Permuting the rows permutes the per-anchor losses and the gradient rows. */
    @Property(tries = 40)
    default void supConCommutesWithRowPermutation(@ForAll("supConProblems") SupConProblem q, @ForAll long seed) {
        Problem p = q.p();
        int n = p.n();
        int d = p.d();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        Problems.shuffle(order, new SplittableRandom(seed));
        float[] px = new float[n * d];
        int[] py = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(p.x(), order[i] * d, px, i * d, d);
            py[i] = p.labels()[order[i]];
        }
        Fused original = fused(supCon(q, Reduction.NONE), p.x(), p.labels(), d);
        Fused permuted = fused(supCon(q, Reduction.NONE), px, py, d);
        float[] expectedLosses = new float[n];
        float[] expectedGradient = new float[n * d];
        for (int i = 0; i < n; i++) {
            expectedLosses[i] = original.losses()[order[i]];
            System.arraycopy(original.gradient(), order[i] * d, expectedGradient, i * d, d);
        }
        for (int i = 0; i < n; i++) {
            SupConChecks.loss("permuted l_" + i, permuted.losses()[i], expectedLosses[i]);
        }
        SupConChecks.gradient("permuted gradient", permuted.gradient(), expectedGradient,
                SupConChecks.absolute(q, p.x(), p.labels(), 1.0));
    }

    /** Only the partition matters: an injective relabelling gives the same losses and gradient. */
    @Property(tries = 40)
    default void supConIgnoresLabelValues(@ForAll("supConProblems") SupConProblem q) {
        Problem p = q.p();
        // The r-th smallest of K distinct labels becomes 7 + 1000 (K - r): injective, order reversed.
        int[] distinct = Arrays.stream(p.labels()).distinct().sorted().toArray();
        int[] relabelled = new int[p.n()];
        for (int i = 0; i < p.n(); i++) {
            relabelled[i] = 7 + 1000 * (distinct.length - Arrays.binarySearch(distinct, p.labels()[i]));
        }
        Fused original = fused(supCon(q, Reduction.NONE), p.x(), p.labels(), p.d());
        Fused other = fused(supCon(q, Reduction.NONE), p.x(), relabelled, p.d());
        for (int i = 0; i < p.n(); i++) {
            SupConChecks.loss("relabelled l_" + i, other.losses()[i], original.losses()[i]);
        }
        SupConChecks.gradient("relabelled gradient", other.gradient(), original.gradient(),
                SupConChecks.absolute(q, p.x(), p.labels(), 1.0));
    }

    /** The rows are normalised: scaling every row by a power of two changes no loss (and scales the gradient by its inverse). */
    @Property(tries = 30)
    default void supConIsScaleInvariant(@ForAll("supConProblems") SupConProblem q) {
        Problem p = q.p();
        float[] scaled = p.x().clone();
        for (int k = 0; k < scaled.length; k++) {
            scaled[k] *= 8f;
        }
        Fused original = fused(supCon(q, Reduction.NONE), p.x(), p.labels(), p.d());
        Fused other = fused(supCon(q, Reduction.NONE), scaled, p.labels(), p.d());
        float[] expected = original.gradient().clone();
        for (int k = 0; k < expected.length; k++) {
            expected[k] /= 8f;
        }
        for (int i = 0; i < p.n(); i++) {
            SupConChecks.loss("scaled l_" + i, other.losses()[i], original.losses()[i]);
        }
        SupConChecks.gradient("scaled gradient", other.gradient(), expected,
                SupConChecks.absolute(q, scaled, p.labels(), 1.0));
    }

    record Fused(float[] losses, float[] gradient) {
    }

    private static Fused fused(SupConLoss loss, float[] x, int[] y, int d) {
        int n = y.length;
        float[] upstream = new float[n];
        Arrays.fill(upstream, 1f);
        float[] l = new float[n];
        float[] g = new float[n * d];
        loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(upstream), Floats.of(l), Floats.of(g));
        return new Fused(l, g);
    }

    // ---------------------------------------------------------------- SPEC section 9

    @Property(tries = 20)
    default void supConRejectsEveryBadInputAndWritesNothing(@ForAll("smallSupConProblems") SupConProblem q) {
        Problem p = q.p();
        int n = p.n();
        int d = p.d();
        SupConLoss loss = supCon(q, Reduction.MEAN);
        SupConLoss none = supCon(q, Reduction.NONE);
        rejected("n", "0", g -> loss.forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), 0, d, Floats.of(g)),
                n * d);
        rejected("d", "-1", g -> loss.forwardBackward(Floats.of(p.x()), Ints.of(p.labels()), n, -1, Floats.of(g)),
                n * d);
        rejected("embeddings", String.valueOf(n * d - 1), g -> loss.forwardBackward(
                Floats.of(Arrays.copyOf(p.x(), n * d - 1)), Ints.of(p.labels()), n, d, Floats.of(g)), n * d);
        rejected("labels", String.valueOf(n - 1), g -> loss.forwardBackward(Floats.of(p.x()),
                Ints.of(Arrays.copyOf(p.labels(), n - 1)), n, d, Floats.of(g)), n * d);
        rejected("gradient", String.valueOf(n * d - 1), g -> loss.forwardBackward(Floats.of(p.x()),
                Ints.of(p.labels()), n, d, Floats.of(g)), n * d - 1);
        int[] negative = p.labels().clone();
        negative[n - 1] = -5;
        rejected("labels", "index " + (n - 1), g -> loss.forwardBackward(Floats.of(p.x()), Ints.of(negative), n, d,
                Floats.of(g)), n * d);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] x = p.x().clone();
            x[(n - 1) * d] = bad;
            rejected("embeddings", "row " + (n - 1), g -> loss.forwardBackward(Floats.of(x), Ints.of(p.labels()), n,
                    d, Floats.of(g)), n * d);
        }
        rejected("losses", String.valueOf(n - 1), out -> none.forward(Floats.of(p.x()), Ints.of(p.labels()), n, d,
                Floats.of(out)), n - 1);
        float[] upstream = new float[n];
        upstream[0] = Float.NaN;
        rejected("upstream", "index 0", g -> none.backward(Floats.of(p.x()), Ints.of(p.labels()), n, d,
                Floats.of(upstream), Floats.of(g)), n * d);
        // A gradient output overlapping the embeddings: one array, the gradient view starting inside x.
        float[] shared = new float[2 * n * d];
        System.arraycopy(p.x(), 0, shared, 0, n * d);
        float[] before = shared.clone();
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                () -> loss.forwardBackward(Floats.of(shared, 0), Ints.of(p.labels()), n, d, Floats.of(shared, 1)));
        BadInput.requireMentions(overlap, "gradient", "overlaps");
        assertArrayEquals(before, shared, "nothing written when the gradient overlaps the embeddings");
        for (double t : new double[] {0.0, -0.07, Double.NaN, Double.POSITIVE_INFINITY}) {
            BadInput.requireMentions(assertThrows(IllegalArgumentException.class,
                    () -> SupConLoss.builder().temperature(t)), "temperature", String.valueOf(t));
            BadInput.requireMentions(assertThrows(IllegalArgumentException.class,
                    () -> SupConLoss.builder().baseTemperature(t)), "baseTemperature", String.valueOf(t));
        }
    }

    /** The call throws IllegalArgumentException naming the fragments, and leaves its output of length len as it was. */
    private static void rejected(String argument, String detail, Consumer<float[]> call, int length) {
        float[] out = new float[Math.max(length, 0)];
        Arrays.fill(out, BadInput.SENTINEL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call.accept(out));
        BadInput.requireMentions(e, argument, detail);
        for (float v : out) {
            assertEquals(BadInput.SENTINEL, v, "an output was written although " + argument + " was rejected");
        }
        assertTrue(e.getMessage().startsWith(argument), e.getMessage());
    }
}
