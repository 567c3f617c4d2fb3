package dev.softsilhouette.cpu;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** cpu-vector against the float64 reference at the tolerances of SPEC section 8, on awkward shapes. */
class AccuracyTest {
    private static final int[] ROWS = {1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 129, 300};
    private static final int[] DIMS = {1, 3, 7, 15, 16, 17, 33, 64, 65, 257};
    private static final double[] TAUS = {0, 0.01, 0.1, 1, 100};

    static SoftSilhouetteLoss loss(String backend, Metric metric, double tau, Reduction reduction) {
        return SoftSilhouetteLoss.builder().backend(backend).metric(metric).temperature(tau).reduction(reduction)
                .build();
    }

    static double frobenius(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    static double frobeniusDifference(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double e = (double) a[i] - b[i];
            s += e * e;
        }
        return Math.sqrt(s);
    }

    /** Whether every row's two nearest competing class means differ by more than 1e-3 relative (SPEC 8, tau = 0). */
    static boolean argminHasMargin(float[] x, int[] y, int d, Metric metric) {
        int n = y.length;
        java.util.TreeMap<Integer, Integer> sizes = new java.util.TreeMap<>();
        for (int label : y) {
            sizes.merge(label, 1, Integer::sum);
        }
        for (int i = 0; i < n; i++) {
            java.util.Map<Integer, Double> sums = new java.util.HashMap<>();
            for (int j = 0; j < n; j++) {
                if (y[j] != y[i]) {
                    sums.merge(y[j], distance(x, i, j, d, metric), Double::sum);
                }
            }
            double first = Double.POSITIVE_INFINITY;
            double second = Double.POSITIVE_INFINITY;
            for (var e : sums.entrySet()) {
                double mean = e.getValue() / sizes.get(e.getKey());
                if (mean < first) {
                    second = first;
                    first = mean;
                } else if (mean < second) {
                    second = mean;
                }
            }
            if (second != Double.POSITIVE_INFINITY && second - first <= 1e-3 * Math.abs(first)) {
                return false;
            }
        }
        return true;
    }

    private static double distance(float[] x, int i, int j, int d, Metric metric) {
        double s = 0;
        double ni = 0;
        double nj = 0;
        double dot = 0;
        for (int t = 0; t < d; t++) {
            double a = x[i * d + t];
            double b = x[j * d + t];
            s += (a - b) * (a - b);
            ni += a * a;
            nj += b * b;
            dot += a * b;
        }
        return switch (metric) {
            case EUCLIDEAN -> Math.sqrt(s);
            case SQUARED_EUCLIDEAN -> s;
            case COSINE -> 1 - dot / (Math.max(Math.sqrt(ni), 1e-12) * Math.max(Math.sqrt(nj), 1e-12));
        };
    }

    record Case(int n, int d, int k, Metric metric, double tau, Reduction reduction, long seed) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        long seed = 1;
        int index = 0;
        for (int n : ROWS) {
            int[] ks = {1, 2, 3, Math.max(1, n / 3), Math.max(1, n - 1), Math.min(n, 40)};
            for (int q = 0; q < 4; q++) {
                int d = DIMS[(index * 3 + q * 7) % DIMS.length];
                int k = ks[(index + q) % ks.length];
                for (Metric metric : Metric.values()) {
                    double tau = TAUS[(index + q + metric.ordinal()) % TAUS.length];
                    Reduction reduction = Reduction.values()[(index + q + metric.ordinal()) % 3];
                    cases.add(new Case(n, d, k, metric, tau, reduction, seed++));
                }
            }
            index++;
        }
        return cases;
    }

    @Test
    void matchesTheReferenceOnAwkwardShapes() {
        List<String> failures = new ArrayList<>();
        for (Case c : cases()) {
            String problem = compare(c, 1.0, 0.0);
            if (problem != null) {
                failures.add(c + ": " + problem);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases().size() + " cases off the reference:\n"
                    + String.join("\n", failures));
        }
    }

    @Test
    void dataFarFromTheOriginMatches() {
        List<String> failures = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            for (int d : new int[]{3, 64}) {
                String problem = compare(new Case(200, d, 5, metric, 0.1, Reduction.MEAN, 99 + d), 1.0, 50.0);
                if (problem != null) {
                    failures.add(metric + " d=" + d + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void widerTilesOfLargerBatchesMatch() {
        List<String> failures = new ArrayList<>();
        long seed = 500;
        for (Metric metric : Metric.values()) {
            for (double tau : new double[]{0.0, 0.1}) {
                String problem = compare(new Case(1100, 20, 13, metric, tau, Reduction.MEAN, seed++), 1.0, 0.0);
                if (problem != null) {
                    failures.add(metric + " tau=" + tau + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * Many classes: at small temperatures most softmin weights underflow and the class-statistics backward runs over
     * the non-zero coefficients only; at a large one every coefficient counts (the dense products).
     */
    @Test
    void manyClassesMatchAtEveryTemperature() {
        List<String> failures = new ArrayList<>();
        long seed = 700;
        for (Metric metric : Metric.values()) {
            for (double tau : new double[]{0.0, 0.01, 0.1, 100}) {
                String problem = compare(new Case(600, 40, 60, metric, tau, Reduction.MEAN, seed++), 1.0, 0.0);
                if (problem != null) {
                    failures.add(metric + " tau=" + tau + ": " + problem);
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * Rows with an upstream gradient of 0 have no backward coefficients. One row in 16 weighted, at a large temperature
     * (every class counts): the class-statistics backward then runs its sparse class sums and its listed groups of
     * rows over rows whose list is every class.
     */
    @Test
    void denseRowsAmongUnweightedRowsMatch() {
        List<String> failures = new ArrayList<>();
        long seed = 900;
        for (Metric metric : new Metric[] {Metric.SQUARED_EUCLIDEAN, Metric.COSINE}) {
            SplittableRandom random = new SplittableRandom(seed++);
            int n = 600;
            int d = 40;
            int[] y = Batches.labels(n, 60, random);
            float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
            float[] upstream = new float[n];
            for (int i = 0; i < n; i += 16) {
                upstream[i] = (float) random.nextGaussian();
            }
            float[] l = new float[n];
            float[] lRef = new float[n];
            float[] g = new float[n * d];
            float[] gRef = new float[n * d];
            loss(CpuVectorBackendProvider.NAME, metric, 100, Reduction.NONE).forwardBackward(Floats.of(x), Ints.of(y),
                    n, d, Floats.of(upstream), Floats.of(l), Floats.of(g));
            loss("reference", metric, 100, Reduction.NONE).forwardBackward(Floats.of(x), Ints.of(y), n, d,
                    Floats.of(upstream), Floats.of(lRef), Floats.of(gRef));
            for (int i = 0; i < n; i++) {
                if (!(Math.abs(l[i] - lRef[i]) <= 1e-4 * Math.max(1, Math.abs(lRef[i])))) {
                    failures.add(metric + ": l[" + i + "] " + l[i] + " ref " + lRef[i]);
                    break;
                }
            }
            double error = frobeniusDifference(g, gRef);
            double scale = frobenius(gRef);
            if (!(error <= 1e-3 * scale + 1e-7)) {
                failures.add(metric + ": gradient error " + error + " vs |G_ref| " + scale);
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /** Compares loss, gradient (and per-sample values for NONE) and, where defined, the score; null when all pass. */
    static String compare(Case c, double magnitude, double offset) {
        SplittableRandom random = new SplittableRandom(c.seed());
        int[] y = Batches.labels(c.n(), c.k(), random);
        float[] x = Batches.embeddings(c.n(), c.d(), y, magnitude, offset, random);
        int n = c.n();
        int d = c.d();
        SoftSilhouetteLoss cpu = loss(CpuVectorBackendProvider.NAME, c.metric(), c.tau(), c.reduction());
        SoftSilhouetteLoss ref = loss("reference", c.metric(), c.tau(), c.reduction());
        float[] g = new float[n * d];
        float[] gRef = new float[n * d];
        StringBuilder problems = new StringBuilder();
        if (c.reduction() == Reduction.NONE) {
            float[] upstream = new float[n];
            for (int i = 0; i < n; i++) {
                upstream[i] = (float) random.nextGaussian();
            }
            float[] l = new float[n];
            float[] lRef = new float[n];
            cpu.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(upstream), Floats.of(l), Floats.of(g));
            ref.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(upstream), Floats.of(lRef), Floats.of(gRef));
            for (int i = 0; i < n; i++) {
                if (Math.abs(l[i] - lRef[i]) > 1e-4 * Math.max(1, Math.abs(lRef[i]))) {
                    problems.append(" l[").append(i).append("]=").append(l[i]).append(" ref ").append(lRef[i]);
                    break;
                }
            }
        } else {
            double value = cpu.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g));
            double expected = ref.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gRef));
            if (!(Math.abs(value - expected) <= 1e-4 * Math.max(1, Math.abs(expected)))) {
                problems.append(" loss ").append(value).append(" ref ").append(expected);
            }
            double forwardOnly = cpu.forward(Floats.of(x), Ints.of(y), n, d);
            if (forwardOnly != value) {
                problems.append(" forward ").append(forwardOnly).append(" != forwardBackward ").append(value);
            }
        }
        double error = frobeniusDifference(g, gRef);
        double scale = frobenius(gRef);
        boolean compareGradient = c.tau() > 0 || argminHasMargin(x, y, d, c.metric());
        if (compareGradient && !(error <= 1e-3 * scale + 1e-7)) {
            problems.append(" gradient error ").append(error).append(" vs |G_ref| ").append(scale);
        }
        for (float v : g) {
            if (!Float.isFinite(v)) {
                problems.append(" non-finite gradient");
                break;
            }
        }
        int classes = (int) java.util.Arrays.stream(y).distinct().count();
        if (classes >= 2 && classes <= n - 1) {
            double score = cpu.score(Floats.of(x), Ints.of(y), n, d);
            double scoreRef = ref.score(Floats.of(x), Ints.of(y), n, d);
            if (!(Math.abs(score - scoreRef) <= 1e-4)) {
                problems.append(" score ").append(score).append(" ref ").append(scoreRef);
            }
        }
        return problems.isEmpty() ? null : problems.toString();
    }

    @Test
    void singleClassGivesZeroLossGradient() {
        float[] x = {1, 2, 3, 4, 5, 6};
        int[] y = {4, 4, 4};
        float[] g = {9, 9, 9, 9, 9, 9};
        double value = loss(CpuVectorBackendProvider.NAME, Metric.EUCLIDEAN, 0.1, Reduction.MEAN)
                .forwardBackward(x, y, 2, g);
        assertEquals(1.0, value);
        assertEquals(0.0, frobenius(g));
    }
}
