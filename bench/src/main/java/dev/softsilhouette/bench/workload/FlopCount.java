package dev.softsilhouette.bench.workload;

import dev.softsilhouette.Metric;

/**
 * The flops one call is credited with, by convention (issue 5), so that effective rates compare across backends
 * whatever their algorithm:
 * <ul>
 *   <li>{@code EUCLIDEAN} (all pairs): 2*N^2*D for forward and score (one Gram matrix), 4*N^2*D for forward+backward
 *       (the Gram matrix and the gradient's matrix product);</li>
 *   <li>{@code SQUARED_EUCLIDEAN} and {@code COSINE} (class statistics, SPEC section 6): 6*N*K*D for every
 *       operation.</li>
 * </ul>
 * Work a backend does beyond this (the reference recomputes each pair twice in float64) is not credited.
 */
public final class FlopCount {
    private FlopCount() {
    }

    public static double of(Metric metric, Operation op, long n, long d, long k) {
        if (metric == Metric.EUCLIDEAN) {
            return (op == Operation.FORWARD_BACKWARD ? 4.0 : 2.0) * n * n * d;
        }
        return 6.0 * n * k * d;
    }

    public static double of(Metric metric, Operation op, Workload w) {
        return of(metric, op, w.n(), w.d(), w.k());
    }

    /** GFLOP/s for {@code flops} done in {@code seconds}. */
    public static double gflops(double flops, double seconds) {
        return flops / seconds / 1e9;
    }
}
