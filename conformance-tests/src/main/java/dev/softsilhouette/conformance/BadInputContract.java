package dev.softsilhouette.conformance;

import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.SplittableRandom;

/**
 * SPEC section 9: every rejection, for every operation that can meet it and every buffer type. Each check requires
 * the exception type, a message naming the argument (and the index or row where there is one), and every output
 * buffer, filled with a sentinel first, unchanged.
 */
public interface BadInputContract extends BackendUnderTest {

    @Provide
    default Arbitrary<Problem> badInputProblems() {
        return Problems.scorable(40, 20_000);
    }

    @Provide
    default Arbitrary<Invocation.Operation> operations() {
        return Arbitraries.of(Invocation.Operation.class);
    }

    @Provide
    default Arbitrary<Invocation.Operation> gradientOperations() {
        return Arbitraries.of(Invocation.Operation.class).filter(op -> op.gradientOutput);
    }

    @Provide
    default Arbitrary<Invocation.Operation> perRowOperations() {
        return Arbitraries.of(Invocation.Operation.class).filter(op -> op.perRowOutput);
    }

    @Provide
    default Arbitrary<Invocation.Operation> perSampleUpstreamOperations() {
        return Arbitraries.of(Invocation.Operation.class).filter(op -> op.perSampleUpstream);
    }

    @Provide
    default Arbitrary<Invocation.Operation> scalarUpstreamOperations() {
        return Arbitraries.of(Invocation.Operation.class).filter(Invocation.Operation::scalarUpstream);
    }

    private SoftSilhouetteLoss lossFor(Invocation.Operation op, Problem p) {
        return loss(p.metric(), p.tau(), op.reduction);
    }

    @Property(tries = 45)
    default void rejectsRowCountBelowOne(@ForAll("operations") Invocation.Operation op,
                                         @ForAll("badInputProblems") Problem p, @ForAll("nonPositive") int n) {
        Invocation call = new Invocation(op, p, BufferKind.ARRAY_WITH_OFFSET);
        call.n = n;
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "n", String.valueOf(n));
    }

    @Property(tries = 45)
    default void rejectsColumnCountBelowOne(@ForAll("operations") Invocation.Operation op,
                                            @ForAll("badInputProblems") Problem p, @ForAll("nonPositive") int d) {
        Invocation call = new Invocation(op, p, BufferKind.ARRAY_WITH_OFFSET);
        call.d = d;
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "d", String.valueOf(d));
    }

    @Provide
    default Arbitrary<Integer> nonPositive() {
        return Arbitraries.oneOf(Arbitraries.of(0, -1, Integer.MIN_VALUE), Arbitraries.integers().between(-100, 0));
    }

    @Property(tries = 60)
    default void rejectsEmbeddingsShorterThanNTimesD(@ForAll("operations") Invocation.Operation op,
                                                     @ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                                     @ForAll long seed) {
        Invocation call = new Invocation(op, p, kind);
        int length = new SplittableRandom(seed).nextInt(p.x().length);
        BufferKind.FloatStorage shortX = kind.floatsWithoutTrail(length, BadInput.SENTINEL);
        shortX.set(java.util.Arrays.copyOf(p.x(), length));
        call.x = shortX.view();
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "embeddings",
                String.valueOf(length));
    }

    @Property(tries = 60)
    default void rejectsLabelsShorterThanN(@ForAll("operations") Invocation.Operation op,
                                           @ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                           @ForAll long seed) {
        Invocation call = new Invocation(op, p, kind);
        int length = new SplittableRandom(seed).nextInt(p.n());
        call.labels = kind.intsWithoutTrail(java.util.Arrays.copyOf(p.labels(), length));
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "labels", String.valueOf(length));
    }

    @Property(tries = 60)
    default void rejectsGradientOutputShorterThanNTimesD(@ForAll("gradientOperations") Invocation.Operation op,
                                                         @ForAll("badInputProblems") Problem p,
                                                         @ForAll BufferKind kind, @ForAll long seed) {
        Invocation call = new Invocation(op, p, kind);
        int length = new SplittableRandom(seed).nextInt(p.x().length);
        BufferKind.FloatStorage shortGradient = kind.floatsWithoutTrail(length, BadInput.SENTINEL);
        call.gradient = shortGradient.view();
        call.watch(shortGradient);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "gradient", String.valueOf(length));
    }

    @Property(tries = 60)
    default void rejectsPerSampleOutputShorterThanN(@ForAll("perRowOperations") Invocation.Operation op,
                                                    @ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                                    @ForAll long seed) {
        Invocation call = new Invocation(op, p, kind);
        int length = new SplittableRandom(seed).nextInt(p.n());
        BufferKind.FloatStorage shortOut = kind.floatsWithoutTrail(length, BadInput.SENTINEL);
        call.out = shortOut.view();
        call.watch(shortOut);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, op.perRowName(),
                String.valueOf(length));
    }

    @Property(tries = 45)
    default void rejectsUpstreamShorterThanN(@ForAll("perSampleUpstreamOperations") Invocation.Operation op,
                                             @ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                             @ForAll long seed) {
        Invocation call = new Invocation(op, p, kind);
        int length = new SplittableRandom(seed).nextInt(p.n());
        call.upstream = kind.floatsWithoutTrail(length, 1.0f).view();
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "upstream", String.valueOf(length));
    }

    /** The first negative label is reported with its index and value (a later one is not the one reported). */
    @Property(tries = 60)
    default void rejectsANegativeLabelWithItsIndex(@ForAll("operations") Invocation.Operation op,
                                                   @ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                                   @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] labels = p.labels().clone();
        int index = random.nextInt(p.n());
        int value = random.nextBoolean() ? -1 : Integer.MIN_VALUE + random.nextInt(1000);
        labels[index] = value;
        if (index + 1 < p.n()) {
            labels[index + 1 + random.nextInt(p.n() - index - 1)] = -2;
        }
        Invocation call = new Invocation(op, p, kind);
        call.labels = kind.ints(labels);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "labels", "index " + index,
                String.valueOf(value));
    }

    /** NaN or an infinity in X: the first offending row is reported. */
    @Property(tries = 60)
    default void rejectsNonFiniteEmbeddingsNamingTheFirstRow(@ForAll("operations") Invocation.Operation op,
                                                             @ForAll("badInputProblems") Problem p,
                                                             @ForAll BufferKind kind, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = p.x().clone();
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int first = random.nextInt(x.length);
        x[first] = bad[random.nextInt(3)];
        if (first + 1 < x.length) {
            x[first + 1 + random.nextInt(x.length - first - 1)] = bad[random.nextInt(3)];
        }
        Invocation call = new Invocation(op, p.withX(x, "non-finite"), kind);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "embeddings",
                "row " + first / p.d());
    }

    @Property(tries = 45)
    default void rejectsNonFinitePerSampleUpstreamWithItsIndex(
            @ForAll("perSampleUpstreamOperations") Invocation.Operation op, @ForAll("badInputProblems") Problem p,
            @ForAll BufferKind kind, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] g = Calls.upstream(p.n(), seed);
        int index = random.nextInt(p.n());
        g[index] = random.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY;
        Invocation call = new Invocation(op, p, kind);
        call.upstream = kind.floats(p.n(), 0.0f).set(g).view();
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "upstream", "index " + index);
    }

    @Property(tries = 30)
    default void rejectsNonFiniteScalarUpstream(@ForAll("scalarUpstreamOperations") Invocation.Operation op,
                                                @ForAll("badInputProblems") Problem p,
                                                @ForAll("nonFiniteDoubles") double upstream) {
        Invocation call = new Invocation(op, p, BufferKind.ARRAY_WITH_OFFSET);
        call.scalarUpstream = upstream;
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "upstream");
    }

    @Provide
    default Arbitrary<Double> nonFiniteDoubles() {
        return Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    }

    @Property(tries = 30)
    default void rejectsANegativeOrNaNTemperatureAtTheBuilder(@ForAll("badTemperatures") double tau) {
        try {
            SoftSilhouetteLoss.builder().backend(backendName()).temperature(tau);
            throw new AssertionError("the builder accepted tau = " + tau);
        } catch (IllegalArgumentException e) {
            BadInput.requireMentions(e, "tau", String.valueOf(tau));
        }
    }

    @Provide
    default Arbitrary<Double> badTemperatures() {
        return Arbitraries.oneOf(Arbitraries.of(Double.NaN, -Double.MIN_VALUE, -1e-300, -1.0, Double.NEGATIVE_INFINITY),
                Arbitraries.doubles().between(0.01, 1e6).map(v -> -v));
    }

    /** A gradient that shares memory with X (the same buffer, shifted by 0 or more values). */
    @Property(tries = 60)
    default void rejectsAGradientOverlappingTheEmbeddings(@ForAll("gradientOperations") Invocation.Operation op,
                                                          @ForAll("badInputProblems") Problem p,
                                                          @ForAll BufferKind kind, @ForAll long seed) {
        int shift = new SplittableRandom(seed).nextInt(p.x().length);
        Invocation call = new Invocation(op, p, kind);
        BufferKind.FloatStorage shared = kind.floats(p.x().length + shift, BadInput.SENTINEL).set(p.x());
        call.x = shared.view();
        call.watch(shared);
        call.gradient = shared.shiftedView(shift);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, "gradient", "embeddings");
    }

    @Property(tries = 45)
    default void rejectsAPerSampleOutputOverlappingTheEmbeddings(
            @ForAll("perRowOperations") Invocation.Operation op, @ForAll("badInputProblems") Problem p,
            @ForAll BufferKind kind, @ForAll long seed) {
        int shift = new SplittableRandom(seed).nextInt(p.x().length);
        Invocation call = new Invocation(op, p, kind);
        BufferKind.FloatStorage shared = kind.floats(p.x().length + shift, BadInput.SENTINEL).set(p.x());
        call.x = shared.view();
        call.watch(shared);
        call.out = shared.shiftedView(shift);
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, op.perRowName(), "embeddings");
    }

    @Property(tries = 60)
    default void rejectsReadOnlyOutputs(@ForAll("badInputProblems") Problem p, @ForAll BufferKind kind,
                                        @ForAll boolean perRow) {
        Invocation.Operation op = perRow ? Invocation.Operation.FORWARD_BACKWARD_NONE
                : Invocation.Operation.FORWARD_BACKWARD;
        Invocation call = new Invocation(op, p, kind);
        BufferKind.FloatStorage readOnly = kind.floats(perRow ? p.n() : p.x().length, BadInput.SENTINEL);
        call.watch(readOnly);
        if (perRow) {
            call.out = readOnly.readOnlyView();
        } else {
            call.gradient = readOnly.readOnlyView();
        }
        call.requireRejected(lossFor(op, p), IllegalArgumentException.class, perRow ? "losses" : "gradient",
                "read-only");
    }

    /** A call that needs another reduction is an IllegalStateException, and writes nothing either. */
    @Property(tries = 30)
    default void rejectsAnOperationOfTheWrongReduction(@ForAll("badInputProblems") Problem p,
                                                       @ForAll boolean none) {
        Invocation.Operation op = none ? Invocation.Operation.BACKWARD_NONE : Invocation.Operation.FORWARD_BACKWARD;
        Invocation call = new Invocation(op, p, BufferKind.NATIVE_SEGMENT);
        call.requireRejected(loss(p.metric(), p.tau(), none ? Reduction.MEAN : Reduction.NONE),
                IllegalStateException.class, "reduction");
    }

    /** Null buffers are rejected by name too. */
    @Property(tries = 15)
    default void rejectsNullBuffersByName(@ForAll("gradientOperations") Invocation.Operation op,
                                          @ForAll("badInputProblems") Problem p) {
        Invocation call = new Invocation(op, p, BufferKind.HEAP_SEGMENT);
        call.gradient = null;
        try {
            call.run(lossFor(op, p));
            throw new AssertionError(op + " accepted a null gradient");
        } catch (IllegalArgumentException | NullPointerException e) {
            BadInput.requireMentions(e, "gradient");
        }
    }
}
