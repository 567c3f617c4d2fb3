package dev.softsilhouette.cpu;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/**
 * Provider of the {@code cpu-vector} backend, priority {@value #PRIORITY}. Names no Vector API type: the backend
 * class is loaded reflectively, and only once the probe has found {@code jdk.incubator.vector} in the boot layer, so
 * this class loads (and reports why not) on any JVM.
 *
 * <p>Threads: system property {@value #THREADS_PROPERTY} (default: available processors).
 */
public final class CpuVectorBackendProvider implements BackendProvider {
    public static final String NAME = "cpu-vector";
    public static final int PRIORITY = 100;
    /** System property: size of the worker pool (the calling thread included). */
    public static final String THREADS_PROPERTY = "silhouette.cpu.threads";
    /**
     * System property: {@code vector} runs the Vector API code from the first call, {@code lanes} its plain-loop twin
     * only (both for measurements); by default the first call runs the plain loops and later calls the vector code.
     * The bits are the same either way.
     */
    public static final String CODE_PROPERTY = "silhouette.cpu.code";
    /** The JVM option the backend needs on the class path. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String BACKEND_CLASS = "dev.softsilhouette.cpu.CpuVectorBackend";

    private int threads; // 0 until read; guarded by this

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability probe() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            return Availability.unavailable("the Vector API module is not in this JVM; start it with " + VECTOR_FLAG,
                    null);
        }
        try {
            int threads = threads();
            return Availability.available(SelfTest.run() + ", " + threads + (threads == 1 ? " thread" : " threads")
                    + threadsPropertyProblem());
        } catch (LinkageError | RuntimeException e) {
            return Availability.unavailable("the Vector API failed its self-test (" + e + "); check that the JVM runs "
                    + "with " + VECTOR_FLAG, e);
        }
    }

    @Override
    public SilhouetteBackend create() {
        try {
            return Class.forName(BACKEND_CLASS).asSubclass(SilhouetteBackend.class)
                    .getConstructor(int.class, String.class).newInstance(threads(), System.getProperty(CODE_PROPERTY));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + NAME + ": " + e, e);
        }
    }

    /** The worker count, read once per provider. */
    private synchronized int threads() {
        if (threads == 0) {
            threads = configuredThreads();
        }
        return threads;
    }

    /** The worker count: {@value #THREADS_PROPERTY} when it is a positive integer, else the available processors. */
    static int configuredThreads() {
        int threads = positiveInteger(System.getProperty(THREADS_PROPERTY));
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** Empty, or why {@value #THREADS_PROPERTY} was ignored (the provider reports; it does not log). */
    private static String threadsPropertyProblem() {
        String value = System.getProperty(THREADS_PROPERTY);
        return value == null || value.isBlank() || positiveInteger(value) > 0 ? ""
                : " (" + THREADS_PROPERTY + "=" + value + " ignored: not a positive integer)";
    }

    /** The value as a positive int, or 0 when it is missing or not one. */
    private static int positiveInteger(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
