package dev.softsilhouette.ffm;

import dev.softsilhouette.Metric;
import dev.softsilhouette.ffm.cuda.CudaLibraries;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.Nvrtc;
import dev.softsilhouette.cuda.engine.NvidiaDriverCheck;
import dev.softsilhouette.ffm.nativelib.LibraryDiscovery;
import dev.softsilhouette.ffm.nativelib.LibraryLoader;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * Provider of the {@code ffm-cublas} backend (priority 200). The probe, run once, stops at once where
 * {@link NvidiaDriverCheck} finds no trace of an NVIDIA driver, and otherwise does real work: native access,
 * the three libraries (every place tried is in the reason when one is missing), the driver, a device, the kernels
 * compiled by NVRTC and loaded, a cuBLAS handle, and a small batch of every metric checked against the reference.
 */
public final class FfmCublasBackendProvider implements BackendProvider {
    public static final String NAME = "ffm-cublas";
    public static final int PRIORITY = 200;

    private volatile FfmCublasBackend probed;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public synchronized Availability probe() {
        return doProbe(); // reported, not logged: the registry logs the selection
    }

    private Availability doProbe() {
        // Before the library search (tens of milliseconds even where there is nothing to find).
        Optional<String> noDriver = NvidiaDriverCheck.whyAbsent(NvidiaDriverCheck.Environment.current(
                LibraryDiscovery.propertyFolders(System.getProperty(LibraryDiscovery.LIBDIR_PROPERTY))));
        if (noDriver.isPresent()) {
            return Availability.unavailable(noDriver.get(), null);
        }
        Module module = FfmCublasBackendProvider.class.getModule();
        if (!module.isNativeAccessEnabled()) {
            String target = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            return Availability.unavailable("native access is not enabled for " + (module.isNamed() ? "module "
                    + target : "the class path") + ": start the JVM with --enable-native-access=" + target, null);
        }
        List<String> missing = new ArrayList<>();
        for (LibraryLoader.Result library : List.of(CudaLibraries.driver(), CudaLibraries.nvrtc(),
                CudaLibraries.cublas())) {
            if (library.loaded().isEmpty()) {
                missing.add(library.failureMessage());
            }
        }
        if (!missing.isEmpty()) {
            return Availability.unavailable(String.join(" | ", missing), null);
        }
        long budget;
        try {
            budget = GramChunkPlan.configuredBudget();
        } catch (IllegalArgumentException e) {
            return Availability.unavailable(e.getMessage(), e);
        }
        CudaSession session;
        try {
            session = CudaSession.open();
        } catch (RuntimeException | LinkageError e) {
            String driver = CudaLibraries.driver().loaded().map(l -> l.describe()).orElse("?");
            return Availability.unavailable("CUDA initialisation failed (driver " + driver + "): " + e.getMessage() + "; check that the NVIDIA driver works (nvidia-smi) and that "
                    + CudaSession.DEVICE_PROPERTY + " names an existing device", e);
        }
        FfmCublasBackend backend = new FfmCublasBackend(session, budget);
        try {
            selfCheck(backend);
        } catch (RuntimeException | LinkageError e) {
            try {
                backend.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            return Availability.unavailable("self-check on " + session.deviceName + " failed: " + e.getMessage()
                    + " (cuBLAS " + cublasLocation() + ", NVRTC " + nvrtcLocation() + ")", e);
        }
        probed = backend;
        return Availability.available(session.describe() + "; cuBLAS from " + cublasLocation() + "; Gram budget "
                + (budget >> 20) + " MiB");
    }

    private static String cublasLocation() {
        try {
            return Cublas.libraryLocation();
        } catch (LinkageError e) {
            return "(not bound: " + e.getMessage() + ")";
        }
    }

    private static String nvrtcLocation() {
        try {
            return Nvrtc.libraryLocation();
        } catch (LinkageError e) {
            return "(not bound: " + e.getMessage() + ")";
        }
    }

    /**
     * Runs a small two-class batch of every metric through the device and compares loss and gradient with the
     * float64 reference (SPEC 8 bounds): a wrong binding or kernel shows here, not in the user's training run.
     */
    static void selfCheck(SilhouetteBackend backend) {
        SilhouetteBackend reference = referenceBackend();
        float[] data = {0.1f, 0.9f, -0.3f, 0.2f, 1.1f, -0.2f, 0.0f, 1.0f, 0.4f, 2.0f, -1.0f, 0.5f,
                2.2f, -0.8f, 0.9f, 1.9f, -1.1f, 0.1f, 2.4f, -0.7f, 0.3f};
        int n = 7;
        int d = 3;
        int[] labels = {0, 0, 0, 1, 1, 1, 1};
        int[] sorted = {0, 1, 2, 3, 4, 5, 6};
        int[] offsets = {0, 3, 7};
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = arena.allocateFrom(JAVA_FLOAT, data);
            PreparedBatch batch = new PreparedBatch(x, n, d, 2, labels, sorted, sorted, offsets);
            MemorySegment gradient = arena.allocate(JAVA_FLOAT, (long) n * d);
            MemorySegment expected = arena.allocate(JAVA_FLOAT, (long) n * d);
            for (Metric metric : Metric.values()) {
                for (double tau : new double[] {0.0, 0.5}) {
                    double got = backend.silhouettesAndGradient(batch, metric, tau, 1.0 / n, null, null, gradient);
                    double want = reference.silhouettesAndGradient(batch, metric, tau, 1.0 / n, null, null, expected);
                    if (Math.abs(got - want) > 1e-4 * Math.max(1.0, Math.abs(want))) {
                        throw new IllegalStateException(metric + " tau=" + tau + ": sum of silhouettes " + got
                                + ", reference " + want);
                    }
                    double diff = 0.0;
                    double norm = 0.0;
                    for (int e = 0; e < n * d; e++) {
                        double g = gradient.getAtIndex(JAVA_FLOAT, e);
                        double r = expected.getAtIndex(JAVA_FLOAT, e);
                        diff += (g - r) * (g - r);
                        norm += r * r;
                    }
                    if (Math.sqrt(diff) > 1e-3 * Math.sqrt(norm) + 1e-7) {
                        throw new IllegalStateException(metric + " tau=" + tau + ": gradient off by "
                                + Math.sqrt(diff) + " (reference norm " + Math.sqrt(norm) + ")");
                    }
                }
            }
        }
    }

    /**
     * The float64 oracle, found through {@link ServiceLoader} rather than the registry: the registry is probing this
     * provider when the self-check runs and must not be re-entered.
     */
    private static SilhouetteBackend referenceBackend() {
        for (BackendProvider provider : ServiceLoader.load(BackendProvider.class,
                FfmCublasBackendProvider.class.getClassLoader())) {
            if (provider.name().equals("reference")) {
                return provider.create();
            }
        }
        throw new IllegalStateException("the reference backend (module dev.softsilhouette.api) was not found");
    }

    @Override
    public synchronized SilhouetteBackend create() {
        FfmCublasBackend backend = probed;
        if (backend == null) {
            Availability availability = probe();
            availability.ensureAvailable(NAME);
            backend = probed;
        }
        probed = null; // the registry keeps the one instance; a second create() probes (and compiles) again
        return backend;
    }
}
