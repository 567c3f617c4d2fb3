package dev.softsilhouette.bench.runner;

import dev.softsilhouette.bench.workload.Workload;

import java.util.List;
import java.util.Locale;

/**
 * A named set of workloads and iteration settings.
 *
 * @param name                   quick, full or large
 * @param workloads              the standard workloads it runs
 * @param largeWorkloads         the large workloads, run with a heap limit and peak memory recorded
 * @param iterations             iterations for the backends and the cuBLAS ceiling
 * @param ceilingIterations      iterations for each OpenBLAS setting (native code: no JIT to warm up; short, since
 *                               up to seven settings are measured)
 * @param referenceIterations    iterations for the float64 reference (slow: fewer)
 * @param largeIterations        iterations for the large workloads
 * @param referenceMaxPairDims   the reference runs only where N^2*D is at most this
 */
record Profile(String name, List<Workload> workloads, List<Workload> largeWorkloads, Iterations iterations,
               Iterations ceilingIterations, Iterations referenceIterations, Iterations largeIterations, double referenceMaxPairDims) {

    /** Warm-up and measurement iteration counts and lengths (seconds); one fork. */
    record Iterations(int warmups, int warmupSeconds, int measurements, int measurementSeconds) {
    }

    static final List<Workload> STANDARD = List.of(
            Workload.of(256, 128, 10),
            Workload.of(1024, 512, 100),
            Workload.of(4096, 256, 100),
            new Workload(20000, 64, 10, true));
    static final List<Workload> LARGE = List.of(Workload.of(65536, 128, 100));

    /** Under 10 minutes on 2 cores with the reference and one fast backend. */
    static final Profile QUICK = new Profile("quick", STANDARD, List.of(),
            new Iterations(2, 1, 3, 1), new Iterations(1, 1, 3, 1), new Iterations(1, 1, 2, 1),
            new Iterations(1, 1, 2, 1), 1024.0 * 1024 * 512);
    /** The standard workloads with longer iterations, the reference wherever it ends in minutes, and the large one. */
    static final Profile FULL = new Profile("full", STANDARD, LARGE,
            new Iterations(3, 2, 5, 2), new Iterations(2, 1, 5, 1), new Iterations(1, 1, 2, 1),
            new Iterations(1, 1, 3, 1), 3.0e10);
    /** The large workload alone, with its heap limit. */
    static final Profile LARGE_ONLY = new Profile("large", List.of(), LARGE,
            new Iterations(3, 2, 5, 2), new Iterations(2, 1, 5, 1), new Iterations(1, 1, 2, 1),
            new Iterations(1, 1, 3, 1), 3.0e10);

    static Profile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick" -> QUICK;
            case "full" -> FULL;
            case "large" -> LARGE_ONLY;
            default -> throw new IllegalArgumentException("--profile: '" + name + "' is not quick, full or large");
        };
    }

    Profile withWorkloads(List<Workload> standard, List<Workload> large) {
        return new Profile(name, standard, large, iterations, ceilingIterations, referenceIterations, largeIterations,
                referenceMaxPairDims);
    }
}
