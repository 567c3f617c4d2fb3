package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Generators of {@link Problem}s with consistent shapes. The shape (N, D, metric, tau, label structure, label
 * values, spread and transform) is drawn by jqwik, so it shrinks; the values are drawn from a seed, so a failing
 * case is reproducible from its description.
 *
 * <p>N favours 1, 2, primes and lane-width boundaries (15/16/17, 31/32/33, 63/64/65, 127/128/129); D favours 1 and
 * odd sizes. Every generator keeps {@code N*N*D} under a budget so that the O(N^2 D) reference stays cheap.
 */
public final class Problems {
    private Problems() {
    }

    /** Row counts that catch off-by-one errors around SIMD lanes, warps and tiles, plus primes. */
    static final int[] SPECIAL_ROWS = {1, 2, 3, 5, 7, 13, 15, 16, 17, 31, 32, 33, 61, 63, 64, 65, 97, 127, 128, 129,
            191, 251, 256, 257};
    /** Column counts: 1, small odd sizes, lane boundaries. */
    static final int[] SPECIAL_DIMS = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65};

    /** How labels are laid out. */
    public enum LabelShape {
        /** 2 to 8 classes, each of at least one row, no class holding every row where N >= 3. */
        SEVERAL_CLASSES,
        /** 1 to 3 singleton classes next to 1 to 4 larger ones. */
        WITH_SINGLETONS,
        /** Every row in one class. */
        ONE_CLASS,
        /** Almost every row a class of its own. */
        MANY_SINGLETONS
    }

    /** Which label values stand for the classes. */
    public enum LabelValues {
        /** 0..K-1. */
        COMPACT,
        /** Distinct random values below 100000. */
        SPARSE,
        /** Distinct values within a million of {@code Integer.MAX_VALUE}, one of them {@code MAX_VALUE} itself. */
        HUGE
    }

    /** A change of coordinates applied to the generated rows. */
    public enum Transform {
        NONE(1.0, 0.0), SCALED_DOWN(0.01, 0.0), SCALED_UP(100.0, 0.0), FAR_FROM_ORIGIN(1.0, 30.0);

        final double scale;
        final double offset;

        Transform(double scale, double offset) {
            this.scale = scale;
            this.offset = offset;
        }
    }

    public static Arbitrary<Integer> rows(int min, int max) {
        int[] special = IntStream.of(SPECIAL_ROWS).filter(v -> v >= min && v <= max).toArray();
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(IntStream.of(special).boxed().toList())),
                Tuple.of(2, Arbitraries.integers().between(min, max)));
    }

    public static Arbitrary<Integer> dims(int min, int max) {
        int[] special = IntStream.of(SPECIAL_DIMS).filter(v -> v >= min && v <= max).toArray();
        if (special.length == 0) {
            return Arbitraries.integers().between(min, max);
        }
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(IntStream.of(special).boxed().toList())),
                Tuple.of(2, Arbitraries.integers().between(min, max)));
    }

    /** Seeds for the values; their edge values (0, -1, MIN_VALUE, ...) mean nothing, so none are mixed in. */
    public static Arbitrary<Long> seeds() {
        return Arbitraries.longs().withoutEdgeCases();
    }

    public static Arbitrary<Metric> metrics() {
        return Arbitraries.of(Metric.class);
    }

    /** 0 (the hard minimum, most often), small, 1 and large. */
    public static Arbitrary<Double> temperatures() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0.0)),
                Tuple.of(1, Arbitraries.just(0.01)),
                Tuple.of(1, Arbitraries.just(0.1)),
                Tuple.of(1, Arbitraries.just(1.0)),
                Tuple.of(1, Arbitraries.just(1000.0)));
    }

    public static Arbitrary<LabelShape> labelShapes() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(LabelShape.SEVERAL_CLASSES)),
                Tuple.of(2, Arbitraries.just(LabelShape.WITH_SINGLETONS)),
                Tuple.of(1, Arbitraries.just(LabelShape.ONE_CLASS)),
                Tuple.of(1, Arbitraries.just(LabelShape.MANY_SINGLETONS)));
    }

    private static Arbitrary<Transform> transforms() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Transform.NONE)),
                Tuple.of(1, Arbitraries.just(Transform.SCALED_DOWN)),
                Tuple.of(1, Arbitraries.just(Transform.SCALED_UP)),
                Tuple.of(1, Arbitraries.just(Transform.FAR_FROM_ORIGIN)));
    }

    /**
     * Any problem: N in [1, maxRows], D from 1 up with {@code N*N*D <= budget}, any metric, tau and labels. Rows
     * may be close together.
     */
    public static Arbitrary<Problem> any(int maxRows, long budget) {
        return shapes(1, maxRows, budget, false);
    }

    /**
     * Problems meeting SPEC section 8's precondition ({@link Problem#rowsAreWellSeparated()}): the values are
     * redrawn where two rows come too close, and the rare problem that still fails is filtered out.
     */
    public static Arbitrary<Problem> wellSeparated(int maxRows, long budget) {
        return shapes(1, maxRows, budget, true).filter(Problem::rowsAreWellSeparated);
    }

    /** Well-separated problems whose hard score is defined (2 to N-1 classes). */
    public static Arbitrary<Problem> scorable(int maxRows, long budget) {
        return wellSeparated(maxRows, budget).filter(Problem::scorable);
    }

    private static Arbitrary<Problem> shapes(int minRows, int maxRows, long budget, boolean separate) {
        return rows(minRows, maxRows).flatMap(n -> {
            int maxDims = (int) Math.max(1, Math.min(300, budget / ((long) n * n)));
            return metrics().flatMap(metric -> {
                // Under COSINE only directions count: in one dimension every row is +1 or -1, so rows could never
                // be well separated; two dimensions are the least that can be.
                int minDims = separate && metric == Metric.COSINE && n > 2 ? 2 : 1;
                return dims(minDims, Math.max(minDims, maxDims)).flatMap(d -> Combinators.combine(
                        temperatures(), labelShapes(), Arbitraries.of(LabelValues.class),
                        Arbitraries.of(0.2, 0.6, 1.5), transforms(), seeds())
                        .as((tau, shape, values, spread, transform, seed) ->
                                build(n, d, metric, tau, shape, values, spread, transform, seed, separate)));
            });
        });
    }

    /**
     * Builds one problem: class centres uniform in [-1, 1]^D, rows at centre + spread * uniform [-1, 1]^D, then
     * {@code x = scale * (row + offset)} rounded to float32.
     */
    public static Problem build(int n, int d, Metric metric, double tau, LabelShape shape, LabelValues values,
                                double spread, Transform transform, long seed, boolean separate) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] compact = compactLabels(n, shape, random);
        int classes = IntStream.of(compact).max().orElse(0) + 1;
        double[][] centres = new double[classes][d];
        for (double[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = random.nextDouble(-1.0, 1.0);
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            drawRow(x, i, d, centres[compact[i]], spread, transform, random);
        }
        Problem p = new Problem(n, d, x, relabel(compact, values, random), metric, tau,
                shape + "/" + values + ", spread " + spread + ", " + transform + ", seed " + seed);
        if (separate) {
            for (int round = 0; round < 40 && !p.rowsAreWellSeparated(); round++) {
                for (int j : rowsTooClose(p)) {
                    drawRow(x, j, d, centres[compact[j]], spread, transform, random);
                }
            }
        }
        return p;
    }

    private static void drawRow(float[] x, int i, int d, double[] centre, double spread, Transform transform,
                                SplittableRandom random) {
        for (int t = 0; t < d; t++) {
            double v = centre[t] + spread * random.nextDouble(-1.0, 1.0);
            x[i * d + t] = (float) (transform.scale * (v + transform.offset));
        }
    }

    /** The later row of every pair closer than 1e-3 of the largest pair distance. */
    private static Set<Integer> rowsTooClose(Problem p) {
        int n = p.n();
        int d = p.d();
        double[][] rows = new double[n][d];
        for (int i = 0; i < n; i++) {
            double norm = p.metric() == Metric.COSINE ? Math.max(LiteralDefinition.norm(p.x(), d, i), 1e-12) : 1.0;
            for (int t = 0; t < d; t++) {
                rows[i][t] = p.x()[i * d + t] / norm;
            }
        }
        double[][] dist = new double[n][n];
        double max = 0.0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double sq = 0.0;
                for (int t = 0; t < d; t++) {
                    double diff = rows[i][t] - rows[j][t];
                    sq += diff * diff;
                }
                dist[i][j] = Math.sqrt(sq);
                max = Math.max(max, dist[i][j]);
            }
        }
        Set<Integer> redraw = new HashSet<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (dist[i][j] < 1e-3 * max && !redraw.contains(i)) {
                    redraw.add(j);
                }
            }
        }
        return redraw;
    }

    /** Compact labels 0..K-1, every one of them used, in a random row order. */
    static int[] compactLabels(int n, LabelShape shape, SplittableRandom random) {
        int[] labels = new int[n];
        if (n == 1 || shape == LabelShape.ONE_CLASS) {
            return labels;
        }
        switch (shape) {
            case SEVERAL_CLASSES -> {
                int maxClasses = n == 2 ? 2 : Math.min(8, n - 1);
                fill(labels, 0, n, 2 + random.nextInt(maxClasses - 1), random);
            }
            case WITH_SINGLETONS -> {
                int singletons = 1 + random.nextInt(Math.min(3, n - 1));
                int rest = n - singletons;
                int larger = 1 + random.nextInt(Math.min(4, rest));
                fill(labels, 0, rest, larger, random);
                for (int s = 0; s < singletons; s++) {
                    labels[rest + s] = larger + s;
                }
            }
            case MANY_SINGLETONS -> fill(labels, 0, n, n - random.nextInt(Math.min(n, 3)), random);
            default -> throw new AssertionError(shape);
        }
        shuffle(labels, random);
        return labels;
    }

    /** Rows [from, to) get classes 0..k-1, each at least once. */
    private static void fill(int[] labels, int from, int to, int k, SplittableRandom random) {
        for (int i = from; i < to; i++) {
            labels[i] = i - from < k ? i - from : random.nextInt(k);
        }
    }

    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
    }

    /** Maps compact classes to label values of the given kind (a bijection, not necessarily order-preserving). */
    static int[] relabel(int[] compact, LabelValues values, SplittableRandom random) {
        int classes = IntStream.of(compact).max().orElse(0) + 1;
        int[] map = new int[classes];
        Set<Integer> used = new HashSet<>();
        for (int c = 0; c < classes; c++) {
            int v;
            do {
                v = switch (values) {
                    case COMPACT -> c;
                    case SPARSE -> random.nextInt(100_000);
                    case HUGE -> c == 0 ? Integer.MAX_VALUE : Integer.MAX_VALUE - random.nextInt(1_000_000);
                };
            } while (!used.add(v));
            map[c] = v;
        }
        int[] out = new int[compact.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = map[compact[i]];
        }
        return out;
    }

    // ------------------------------------------------------------------ overlapping classes away from the centre

    /**
     * Well-separated problems whose classes overlap in pairs away from the batch's centre: 4 to 8 classes of at
     * least 2 rows, classes 2m and 2m+1 drawn around one centre uniform in [-3, 3]^D (the last alone when K is odd),
     * rows at that centre + spread * uniform [-1, 1]^D, spread 0.01, 0.03 or 0.1, then shifted by 0 or 30 in every
     * coordinate ({@link Transform#NONE}, {@link Transform#FAR_FROM_ORIGIN}). A row's distance to the mean of its
     * partner class is then tiny next to the row's and the mean's distances from the batch's centre (two pairs at
     * least, so centring the batch does not remove it): the expansion {@code ||z||^2 - 2<z, m> + ||m||^2} in float32
     * cancels there. The rows stay inside SPEC section 8's domain ({@link Problem#rowsAreWellSeparated()}): rows too
     * close are redrawn, and where a pair's rows cannot all fit at the spread drawn (few dimensions, many rows) the
     * spread doubles until they do; the problem's origin names the spread used.
     */
    public static Arbitrary<Problem> overlappingClasses(int maxRows, long budget) {
        return rows(8, maxRows).flatMap(n -> {
            int maxDims = (int) Math.max(2, Math.min(300, budget / ((long) n * n)));
            return metrics().flatMap(metric -> dims(2, maxDims).flatMap(d -> Combinators.combine(
                    temperatures(), Arbitraries.of(LabelValues.class), Arbitraries.of(0.01, 0.03, 0.1),
                    Arbitraries.of(Transform.NONE, Transform.FAR_FROM_ORIGIN), seeds())
                    .as((tau, values, spread, transform, seed) ->
                            overlapping(n, d, metric, tau, values, spread, transform, seed))));
        }).filter(Problem::rowsAreWellSeparated);
    }

    /** One problem of {@link #overlappingClasses}: n >= 8, d >= 2. */
    public static Problem overlapping(int n, int d, Metric metric, double tau, LabelValues values, double spread,
                                      Transform transform, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int classes = 4 + random.nextInt(Math.min(8, n / 2) - 3);
        int[] compact = new int[n];
        for (int i = 0; i < n; i++) {
            compact[i] = i < 2 * classes ? i % classes : random.nextInt(classes);
        }
        shuffle(compact, random);
        double[][] centres = new double[(classes + 1) / 2][d];
        for (double[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = random.nextDouble(-3.0, 3.0);
            }
        }
        int[] labels = relabel(compact, values, random);
        float[] x = new float[n * d];
        double used = spread;
        for (int widening = 0; ; widening++, used *= 2.0) {
            for (int i = 0; i < n; i++) {
                drawRow(x, i, d, centres[compact[i] / 2], used, transform, random);
            }
            Problem p = new Problem(n, d, x, labels, metric, tau, "OVERLAPPING/" + values + " " + classes
                    + " classes, spread " + used + ", " + transform + ", seed " + seed);
            for (int round = 0; round < 20 && !p.rowsAreWellSeparated(); round++) {
                for (int j : rowsTooClose(p)) {
                    drawRow(x, j, d, centres[compact[j] / 2], used, transform, random);
                }
            }
            if (p.rowsAreWellSeparated() || widening == 8) {
                return p;
            }
        }
    }

    // ------------------------------------------------------------------ stress inputs (the looser bound)

    /**
     * Near-duplicates: a problem of 4 to 80 rows, then up to half of its rows each get one twin, an exact copy or
     * a copy moved by one ulp in a few coordinates, labelled like its source, like another class, or alone.
     */
    public static Arbitrary<Problem> nearDuplicates() {
        return shapes(4, 80, 80L * 80 * 33, false).flatMap(base -> seeds().map(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int twins = 1 + random.nextInt(base.n() / 2);
            int[] sources = IntStream.range(0, base.n()).toArray();
            shuffle(sources, random);
            int n = base.n() + twins;
            int d = base.d();
            float[] x = java.util.Arrays.copyOf(base.x(), n * d);
            int[] labels = java.util.Arrays.copyOf(base.labels(), n);
            int freshLabel = IntStream.of(base.labels()).max().getAsInt() == Integer.MAX_VALUE ? 0 : Integer.MAX_VALUE;
            for (int t = 0; t < twins; t++) {
                int src = sources[t];
                int row = base.n() + t;
                for (int c = 0; c < d; c++) {
                    float v = base.x()[src * d + c];
                    x[row * d + c] = random.nextInt(3) == 0 ? (random.nextBoolean() ? Math.nextUp(v) : Math.nextDown(v)) : v;
                }
                int choice = random.nextInt(3);
                labels[row] = choice == 0 ? base.labels()[src]
                        : choice == 1 ? base.labels()[random.nextInt(base.n())] : freshLabel - (freshLabel == 0 ? -t : t);
            }
            return new Problem(n, d, x, labels, base.metric(), base.tau(), base.origin() + ", " + twins + " twins");
        }));
    }

    /**
     * Well-separated problems (N <= 64, D <= 64) scaled so that the largest |x| is 1e-20 or 1e18, the magnitudes SPEC
     * section 8 names.
     */
    public static Arbitrary<Problem> extremeMagnitudes() {
        return Combinators.combine(shapes(2, 64, 64L * 64 * 64, true), Arbitraries.of(1e-20, 1e18))
                .as((p, magnitude) -> {
                    double largest = 0.0;
                    for (float v : p.x()) {
                        largest = Math.max(largest, Math.abs(v));
                    }
                    double scale = magnitude / Math.max(largest, Double.MIN_NORMAL);
                    float[] x = new float[p.x().length];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (p.x()[i] * scale);
                    }
                    // The temperature moves with the distances, so the softmin keeps the same shape.
                    double distanceScale = p.metric() == Metric.SQUARED_EUCLIDEAN ? scale * scale
                            : p.metric() == Metric.EUCLIDEAN ? scale : 1.0;
                    return new Problem(p.n(), p.d(), x, p.labels(), p.metric(), p.tau() * distanceScale,
                            p.origin() + ", largest |x| scaled to " + magnitude);
                });
    }

    /** 2 to 24 rows of 1024 to 4096 columns. */
    public static Arbitrary<Problem> largeDimensions() {
        return Combinators.combine(Arbitraries.integers().between(2, 24), Arbitraries.of(1024, 1031, 2048, 4093, 4096),
                        metrics(), temperatures(), labelShapes(), Arbitraries.of(LabelValues.class), seeds())
                .as((n, d, metric, tau, shape, values, seed) ->
                        build(n, d, metric, tau, shape, values, 0.6, Transform.NONE, seed, false));
    }
}
