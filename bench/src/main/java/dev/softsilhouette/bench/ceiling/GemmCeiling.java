package dev.softsilhouette.bench.ceiling;

/**
 * A matrix-multiply ceiling: a vendor SGEMM measured in the same run as the backends, at each workload's Gram shape,
 * so that every backend's effective rate has a "what this hardware does on the same flops" to be compared with.
 *
 * <p>Found with {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/dev.softsilhouette.bench.ceiling.GemmCeiling}). This
 * module ships {@link OpenBlasSgemmCeiling} ({@code openblas-sgemm}, the ceiling of CPU backends); a GPU module plugs
 * in a cuBLAS SGEMM ceiling ({@code cublas-sgemm}) for the GPU backends by implementing this interface.
 *
 * <p>Implementations have a public no-argument constructor, do nothing costly there, and load their native library
 * in {@link #probe()} only.
 */
public interface GemmCeiling {

    /** Stable name: the JMH parameter and the report's ceiling column ({@code openblas-sgemm}, {@code cublas-sgemm}). */
    String name();

    /** Whether this ceiling is the one to compare {@code backendName}'s rate with (CPU SGEMM for CPU backends...). */
    boolean appliesTo(String backendName);

    /** Loads what it needs and says whether it can run here; called once per JVM, cheap after the first call. */
    Probe probe();

    /**
     * Allocates A, B (filled with fixed-seed values) and C for {@code shape} on the device this ceiling runs on.
     * The returned multiplication is run many times by the benchmark and closed once.
     */
    Multiplication prepare(GemmShape shape);

    /** One prepared SGEMM. */
    interface Multiplication extends AutoCloseable {
        /** {@code C = A * B^T}, complete when it returns (a GPU implementation synchronises). */
        void run();

        /** Frees what {@link #prepare} allocated. */
        @Override
        void close();
    }

    /**
     * A ceiling's availability.
     *
     * @param available whether it can run
     * @param details   library, version, threads or device, when available
     * @param reason    why not, and what to do, when unavailable
     */
    record Probe(boolean available, String details, String reason) {
        public static Probe available(String details) {
            return new Probe(true, details, "");
        }

        public static Probe unavailable(String reason) {
            return new Probe(false, "", reason);
        }
    }
}
