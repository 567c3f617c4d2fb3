package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ServiceLoader;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The last step of both GPU probes: a small two-class batch of every metric, tau 0 and 0.5, through the device, loss
 * and gradient compared with the float64 reference within the SPEC 8 bounds. A wrong binding, a kernel that does
 * not load as compiled, or a device that computes wrong numbers shows here, and the backend is reported unavailable
 * (so that {@code auto} picks another), not in the user's training run.
 */
public final class ReferenceSelfCheck {
    private static final float[] ROWS = {0.1f, 0.9f, -0.3f, 0.2f, 1.1f, -0.2f, 0.0f, 1.0f, 0.4f, 2.0f, -1.0f, 0.5f,
            2.2f, -0.8f, 0.9f, 1.9f, -1.1f, 0.1f, 2.4f, -0.7f, 0.3f};
    private static final int N = 7;
    private static final int D = 3;

    private ReferenceSelfCheck() {
    }

    /**
     * Throws {@link IllegalStateException} naming the metric, tau and the miss when {@code backend} disagrees with
     * the reference backend (found through {@link ServiceLoader}, not the registry, which is probing the caller).
     */
    public static void run(SilhouetteBackend backend) {
        try (SilhouetteBackend reference = referenceBackend()) {
            compare(backend, reference);
        }
    }

    static void compare(SilhouetteBackend backend, SilhouetteBackend reference) {
        int[] labels = {0, 0, 0, 1, 1, 1, 1};
        int[] sorted = {0, 1, 2, 3, 4, 5, 6};
        int[] offsets = {0, 3, 7};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(JAVA_FLOAT, ROWS);
            PreparedBatch batch = new PreparedBatch(x, N, D, 2, labels, sorted, sorted, offsets);
            MemorySegment gradient = arena.allocate(JAVA_FLOAT, (long) N * D);
            MemorySegment expected = arena.allocate(JAVA_FLOAT, (long) N * D);
            for (Metric metric : Metric.values()) {
                for (double tau : new double[] {0.0, 0.5}) {
                    double got = backend.silhouettesAndGradient(batch, metric, tau, 1.0 / N, null, null, gradient);
                    double want = reference.silhouettesAndGradient(batch, metric, tau, 1.0 / N, null, null, expected);
                    if (!(Math.abs(got - want) <= 1e-4 * Math.max(1.0, Math.abs(want)))) {
                        throw new IllegalStateException(metric + " tau=" + tau + ": sum of silhouettes " + got
                                + ", reference " + want);
                    }
                    double diff = 0.0;
                    double norm = 0.0;
                    for (int e = 0; e < N * D; e++) {
                        double g = gradient.getAtIndex(JAVA_FLOAT, e);
                        double r = expected.getAtIndex(JAVA_FLOAT, e);
                        diff += (g - r) * (g - r);
                        norm += r * r;
                    }
                    if (!(Math.sqrt(diff) <= 1e-3 * Math.sqrt(norm) + 1e-7)) {
                        throw new IllegalStateException(metric + " tau=" + tau + ": gradient off by "
                                + Math.sqrt(diff) + " (reference norm " + Math.sqrt(norm) + ")");
                    }
                }
            }
        }
    }

    private static SilhouetteBackend referenceBackend() {
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class,
                ReferenceSelfCheck.class.getClassLoader())) {
            if (provider.name().equals("reference")) {
                return provider.create();
            }
        }
        throw new IllegalStateException("the reference backend (module dev.softsilhouette.api) was not found");
    }
}
