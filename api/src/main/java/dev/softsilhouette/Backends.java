package dev.softsilhouette;

import dev.softsilhouette.spi.SilhouetteBackend;

import java.util.List;

/**
 * Diagnostics and selection of backends (SPEC section 10). Backends are found with {@link java.util.ServiceLoader};
 * each is probed once, lazily, and the probe's answer is kept.
 *
 * <p>Selection: a name given to the API wins; otherwise the system property {@code silhouette.backend}, then the
 * environment variable {@code SILHOUETTE_BACKEND}, then {@code auto}. A value is a name, a comma-separated preference
 * list ({@code cuda,ffm-cublas,cpu-vector}; the first available wins) or {@code auto} (the available backend with the
 * highest priority). A single name that is missing or unavailable, or a list none of whose entries is available, is a
 * {@link BackendSelectionException} listing every backend found with its availability and reason.
 */
public final class Backends {
    /** System property that selects the backend. */
    public static final String PROPERTY = BackendRegistry.PROPERTY;
    /** Environment variable read when the property is not set. */
    public static final String ENVIRONMENT = BackendRegistry.ENVIRONMENT;

    private Backends() {
    }

    /** Every backend found, highest priority first, each probed. */
    public static List<BackendInfo> list() {
        return BackendRegistry.get().list();
    }

    /** Human-readable listing of {@link #list()}, one backend per line. */
    public static String describe() {
        return BackendRegistry.get().listing() + "\nChoose with -D" + PROPERTY + "=NAME[,NAME...]|auto or "
                + ENVIRONMENT + ".";
    }

    /** The name {@code auto} resolves to on this machine. */
    public static String autoChoice() {
        return BackendRegistry.get().resolveName(BackendRegistry.AUTO, BackendSelectionException.Origin.DEFAULT);
    }

    /**
     * The name the given specification resolves to ({@code null}: the configured one).
     *
     * @throws BackendSelectionException when nothing it names is available
     */
    public static String resolve(String spec) {
        return spec == null ? BackendRegistry.get().resolveConfiguredName()
                : BackendRegistry.get().resolveName(spec, BackendSelectionException.Origin.API);
    }

    /**
     * A lease on the backend the specification resolves to, for code that drives the SPI directly (benchmarks,
     * conformance tests). Most users want {@link SoftSilhouetteLoss}.
     *
     * <p>Every lease on a backend shares its one instance. Close the lease when done (try-with-resources): closing
     * the last open lease, this one or a loss's, closes the instance (worker threads stop, workspaces and native
     * memory are freed); the next lease creates a new one. A call on a closed lease is an
     * {@link IllegalStateException}. A lease never closed keeps its backend for the life of the JVM.
     *
     * @throws BackendSelectionException when nothing it names is available
     */
    public static SilhouetteBackend backend(String spec) {
        return BackendRegistry.get().lease(spec, "this lease from Backends.backend");
    }
}
