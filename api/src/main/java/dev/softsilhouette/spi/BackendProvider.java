package dev.softsilhouette.spi;

/**
 * Names, ranks, probes and creates one backend. Registered with {@link java.util.ServiceLoader} ({@code provides}
 * in {@code module-info.java} and {@code META-INF/services/dev.softsilhouette.spi.BackendProvider}).
 *
 * <p>Priorities in this project: {@code reference} 0, {@code cpu-vector} 100, {@code ffm-cublas} 200,
 * {@code cuda} 300. {@code auto} picks the available provider with the highest priority.
 */
public interface BackendProvider {

    /** The name users select it by ({@code silhouette.backend=NAME}); lower case, no commas or spaces. */
    String name();

    /** Higher wins under {@code auto}. */
    int priority();

    /**
     * Checks, with real work where that is how failure shows, whether the backend can run here. Called at most once
     * per provider by the registry, which keeps the answer (and its cause). Must not throw: failures are returned
     * as {@link Availability#unavailable(String, Throwable)} with a reason that says what to do.
     */
    Availability probe();

    /**
     * Creates the backend. Only called after {@link #probe()} said it is available. The registry keeps at most one
     * instance per provider at a time, shared by every lease on it, closes it when the last lease is closed and calls
     * {@code create()} again on the next demand; instances must be safe for concurrent calls.
     */
    SilhouetteBackend create();
}
