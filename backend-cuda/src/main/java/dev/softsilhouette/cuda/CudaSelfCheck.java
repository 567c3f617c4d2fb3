package dev.softsilhouette.cuda;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;

import java.util.Locale;
import java.util.Random;

/**
 * A command-line check for a GPU machine, used by {@code gpu/run-on-device.sh}:
 * <ul>
 *   <li>{@code list}: every backend with its availability, and the {@code cuda} probe's cause when unavailable;</li>
 *   <li>{@code compare BACKEND}: loss and gradient of BACKEND against {@code reference} on small random batches
 *       (each metric, tau 0 and 0.1, awkward N and D), against the SPEC section 8 bounds, and bit-identical
 *       on a second run; exit status 1 on a miss;</li>
 *   <li>{@code target BACKEND}: EUCLIDEAN forward+backward at N=16384 D=512 K=1000, timed (wall clock, after
 *       warm-up; a smoke figure, the JMH bench is the measurement), next to cuBLAS SGEMM of the same Gram;</li>
 *   <li>{@code strategies BACKEND [NxDxK ...]}: forward+backward of every metric (and the EUCLIDEAN forward alone)
 *       at a small, a middle and the target shape (or the shapes given),
 *       timed the same way, each line naming the strategy this JVM runs ({@code -Dsilhouette.cuda.strategy}) and
 *       the one the shape rule picks: run once with {@code fused} and once with {@code sgemm}, the lines are what
 *       the rule's thresholds ({@link StrategyChoice}) are set from;</li>
 *   <li>{@code resident BACKEND}: the GPU-resident calls (X and the gradient in device memory, the caller's
 *       stream) against the same backend's host path ({@link ResidentSelfCheck}), on the strategy this JVM runs;
 *       exit status 1 on a miss.</li>
 * </ul>
 */
public final class CudaSelfCheck {
    private CudaSelfCheck() {
    }

    public static void main(String[] args) {
        String command = args.length > 0 ? args[0] : "list";
        String backend = args.length > 1 ? args[1] : CudaBackendProvider.NAME;
        switch (command) {
            case "list" -> list();
            case "compare" -> System.exit(compare(backend) ? 0 : 1);
            case "target" -> target(backend);
            case "strategies" -> strategies(backend, java.util.Arrays.copyOfRange(args, Math.min(2, args.length),
                    args.length));
            case "resident" -> System.exit(ResidentSelfCheck.run(backend) ? 0 : 1);
            default -> {
                System.err.println("usage: CudaSelfCheck list | compare BACKEND | target BACKEND"
                        + " | strategies BACKEND [NxDxK ...] | resident BACKEND");
                System.exit(2);
            }
        }
    }

    private static void list() {
        System.out.println(Backends.describe());
        for (BackendInfo info : Backends.list()) {
            if (!info.available() && info.unavailabilityCause().isPresent()) {
                System.out.println("cause for " + info.name() + ":");
                info.unavailabilityCause().get().printStackTrace(System.out);
            }
        }
    }

    private static boolean compare(String backend) {
        boolean ok = true;
        int[][] shapes = {{7, 3, 2}, {64, 5, 4}, {65, 17, 5}, {131, 33, 7}, {300, 64, 150}, {513, 129, 9}};
        for (Metric metric : Metric.values()) {
            for (double tau : new double[] {0.0, 0.1}) {
                for (int[] shape : shapes) {
                    ok &= compareOne(backend, metric, tau, shape[0], shape[1], shape[2], 1.0, shape[0] * 31L + shape[1]);
                }
                ok &= compareOne(backend, metric, tau, 200, 16, 4, 1e-20, 11);
                ok &= compareOne(backend, metric, tau, 200, 16, 4, 1e18, 12);
            }
        }
        System.out.println(ok ? "compare: PASS" : "compare: FAIL");
        return ok;
    }

    private static boolean compareOne(String backend, Metric metric, double tau, int n, int d, int k,
                                      double magnitude, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n * d];
        int[] y = new int[n];
        float[][] centres = new float[k][d];
        for (float[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = (float) (3 * random.nextGaussian());
            }
        }
        for (int i = 0; i < n; i++) {
            y[i] = i < k ? i : random.nextInt(k);
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (magnitude * (centres[y[i]][t] + random.nextGaussian()));
            }
        }
        SoftSilhouetteLoss ref = SoftSilhouetteLoss.builder().metric(metric).temperature(tau).backend("reference")
                .build();
        SoftSilhouetteLoss gpu = ref.toBuilder().backend(backend).build();
        float[] gRef = new float[n * d];
        float[] gGpu = new float[n * d];
        double lRef = ref.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gRef));
        double lGpu = gpu.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gGpu));
        // Determinism: a second run must give the same bits.
        float[] gAgain = new float[n * d];
        double lAgain = gpu.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gAgain));
        boolean deterministic = Double.doubleToRawLongBits(lAgain) == Double.doubleToRawLongBits(lGpu)
                && java.util.Arrays.equals(gAgain, gGpu);
        GradientDifference difference = GradientDifference.of(gGpu, gRef);
        double diff = difference.error();
        double norm = difference.norm();
        boolean finite = Double.isFinite(lGpu) && difference.finite();
        double lossError = Math.abs(lGpu - lRef) / Math.max(1, Math.abs(lRef));
        boolean lossOk = lossError <= 1e-4;
        // tau = 0 gradients are only compared where the argmin has a margin (SPEC 8): reported, not judged
        boolean gradientOk = tau == 0.0 || diff <= 1e-3 * norm + 1e-7;
        boolean ok = finite && lossOk && gradientOk && deterministic;
        System.out.printf(Locale.ROOT, "%-4s %-17s tau=%-4s n=%-4d d=%-4d k=%-4d mag=%-6.0e loss %.9f vs %.9f "
                        + "(rel %.2e)  grad rel %.2e%s%s%n", ok ? "ok" : "MISS", metric, tau, n, d, k, magnitude, lGpu,
                lRef, lossError, norm == 0 ? 0 : diff / norm, tau == 0.0 ? " (tau=0: not judged)" : "",
                deterministic ? "" : "  NOT DETERMINISTIC");
        return ok;
    }

    /**
     * ||g - ref|| and ||ref|| (Frobenius, in double) of a gradient and its reference, and whether every entry of
     * {@code g} is finite.
     */
    record GradientDifference(double error, double norm, boolean finite) {
        static GradientDifference of(float[] g, float[] ref) {
            double error = 0;
            double norm = 0;
            boolean finite = true;
            for (int i = 0; i < g.length; i++) {
                finite &= Float.isFinite(g[i]);
                error += ((double) g[i] - ref[i]) * ((double) g[i] - ref[i]);
                norm += (double) ref[i] * ref[i];
            }
            return new GradientDifference(Math.sqrt(error), Math.sqrt(norm), finite);
        }

        /** SPEC 8's gradient bound with {@code ref} as the reference: error <= 1e-3 ||ref|| + 1e-7. */
        boolean withinSpec8() {
            return error <= 1e-3 * norm + 1e-7;
        }

        double relative() {
            return norm == 0 ? error : error / norm;
        }
    }

    private static void target(String backend) {
        int n = 16384;
        int d = 512;
        int k = 1000;
        float[] x = new float[n * d];
        int[] y = new int[n];
        clustered(x, y, n, d, k);
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(Metric.EUCLIDEAN).backend(backend).build();
        float[] g = new float[n * d];
        for (int i = 0; i < 3; i++) {
            loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g));
        }
        int reps = 5;
        long start = System.nanoTime();
        double l = 0;
        for (int i = 0; i < reps; i++) {
            l = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g));
        }
        double seconds = (System.nanoTime() - start) * 1e-9 / reps;
        // Equivalent work: three N x N x D GEMMs (forward Gram, backward Gram, backward H*Z), 2 flops per FMA.
        double flops = 3 * 2.0 * n * (double) n * d;
        System.out.printf(Locale.ROOT, "target %s EUCLIDEAN fwd+bwd N=%d D=%d K=%d: %.4f s per call (loss %.6f), "
                + "equivalent %.1f GFLOP/s%n", backend, n, d, k, seconds, l, flops / seconds * 1e-9);
        CublasSgemmCeiling.Result sgemm = CublasSgemmCeiling.measure(n, n, d, 20);
        System.out.println(sgemm);
        System.out.printf(Locale.ROOT, "target %s: %.1f%% of the cuBLAS SGEMM rate (goal: cuda 60%%, ffm-cublas 50%%)%n",
                backend, 100.0 * flops / seconds * 1e-9 / sgemm.gflops());
    }

    /** Fixed-seed rows of {@code k} balanced classes, class c shifted by 2 along dimension c mod d. */
    private static void clustered(float[] x, int[] y, int n, int d, int k) {
        Random random = new Random(42);
        for (int i = 0; i < n; i++) {
            y[i] = i % k;
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (random.nextGaussian() + (t == y[i] % d ? 2 : 0));
            }
        }
    }

    /**
     * Forward+backward of every metric at N x D x K = 1024 x 64 x 16, 4096 x 128 x 64 and 16384 x 512 x 1000 (or
     * the {@code given} shapes, each {@code NxDxK}), and the EUCLIDEAN forward alone, on
     * the strategy {@value StrategyChoice#PROPERTY} selects in this JVM: milliseconds per call (wall clock, after two
     * warm-up calls, at least 3 calls and 1 s), one line each starting with {@code strategy}.
     */
    private static void strategies(String backend, String[] given) {
        String running = System.getProperty(StrategyChoice.PROPERTY, StrategyChoice.AUTO);
        int[][] shapes = {{1024, 64, 16}, {4096, 128, 64}, {16384, 512, 1000}};
        if (given.length > 0) {
            shapes = java.util.Arrays.stream(given).map(g -> java.util.Arrays.stream(g.split("x"))
                    .mapToInt(Integer::parseInt).toArray()).toArray(int[][]::new);
        }
        for (int[] shape : shapes) {
            int n = shape[0];
            int d = shape[1];
            int k = shape[2];
            float[] x = new float[n * d];
            int[] y = new int[n];
            clustered(x, y, n, d, k);
            float[] g = new float[n * d];
            for (Metric metric : Metric.values()) {
                // Not closed: the losses share the backend, which closing the last one would close (and reopen).
                SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(metric).temperature(0.1)
                        .backend(backend).build();
                timed(backend, running, metric, "fwd+bwd", n, d, k, true,
                        () -> loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(g)));
                if (metric == Metric.EUCLIDEAN) { // the one case the rule decides differently without the gradient
                    timed(backend, running, metric, "fwd", n, d, k, false,
                            () -> loss.forward(Floats.of(x), Ints.of(y), n, d));
                }
            }
        }
    }

    /** Two warm-up calls, then at least 3 calls and 1 s (at most 1000 calls): one {@code strategy} line. */
    private static void timed(String backend, String running, Metric metric, String what, int n, int d, int k,
                              boolean gradient, Runnable call) {
        call.run();
        call.run();
        int calls = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            call.run();
            calls++;
            elapsed = System.nanoTime() - start;
        } while (calls < 3 || elapsed < 1_000_000_000L && calls < 1000);
        // The default shapes' fused partial sums are at most 82 MB: the rule's memory clause decides none.
        StrategyChoice.Strategy rule = StrategyChoice.byShape(n, d, k, metric, gradient, Long.MAX_VALUE);
        System.out.printf(Locale.ROOT, "strategy %s %s %s %s N=%d D=%d K=%d: %.3f ms per call (%d calls; the shape "
                + "rule picks %s)%n", backend, running, metric, what, n, d, k, elapsed * 1e-6 / calls, calls,
                rule.value());
    }
}
