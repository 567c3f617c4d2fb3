package dev.softsilhouette.cpu;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.System.Logger.Level;

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
    /** The JVM option the backend needs on the class path. */
    public static final String VECTOR_FLAG = "--add-modules jdk.incubator.vector";

    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String BACKEND_CLASS = "dev.softsilhouette.cpu.CpuVectorBackend";
    private static final System.Logger LOG = System.getLogger("dev.softsilhouette.cpu");

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
            String reason = "the Vector API module is not in this JVM; start it with " + VECTOR_FLAG;
            LOG.log(Level.WARNING, "Soft silhouette backend ''{0}'' unavailable: {1}", NAME, reason);
            return Availability.unavailable(reason, null);
        }
        try (SilhouetteBackend backend = newBackend(1)) {
            int threads = threads();
            String details = SelfTest.run(backend) + ", " + threads + (threads == 1 ? " thread" : " threads");
            LOG.log(Level.INFO, "Soft silhouette backend ''{0}'' available: {1}", NAME, details);
            return Availability.available(details);
        } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
            String reason = "the Vector API failed its self-test (" + e + "); check that the JVM runs with "
                    + VECTOR_FLAG;
            LOG.log(Level.WARNING, "Soft silhouette backend ''{0}'' unavailable: {1}", NAME, reason);
            return Availability.unavailable(reason, e);
        }
    }

    @Override
    public SilhouetteBackend create() {
        try {
            return newBackend(threads());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + NAME + ": " + e, e);
        }
    }

    private static SilhouetteBackend newBackend(int threads) throws ReflectiveOperationException {
        return Class.forName(BACKEND_CLASS).asSubclass(SilhouetteBackend.class)
                .getConstructor(int.class).newInstance(threads);
    }

    /** The worker count, read once per provider so that a bad value is reported once, by the probe. */
    private synchronized int threads() {
        if (threads == 0) {
            threads = configuredThreads();
        }
        return threads;
    }

    /** The worker count: {@value #THREADS_PROPERTY}, else the available processors. */
    static int configuredThreads() {
        String value = System.getProperty(THREADS_PROPERTY);
        if (value != null && !value.isBlank()) {
            try {
                int threads = Integer.parseInt(value.trim());
                if (threads >= 1) {
                    return threads;
                }
            } catch (NumberFormatException ignored) {
                // fall through to the warning
            }
            LOG.log(Level.WARNING, "{0}={1} is not a positive integer; using {2} threads", THREADS_PROPERTY, value,
                    Runtime.getRuntime().availableProcessors());
        }
        return Runtime.getRuntime().availableProcessors();
    }
}
