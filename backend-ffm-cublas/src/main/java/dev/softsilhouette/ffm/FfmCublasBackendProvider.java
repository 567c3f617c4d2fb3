package dev.softsilhouette.ffm;

import dev.softsilhouette.ffm.cuda.CudaLibraries;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.Nvrtc;
import dev.softsilhouette.cuda.engine.NvidiaDriverCheck;
import dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan;
import dev.softsilhouette.cuda.engine.strategies.EngineBackend;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.ffm.nativelib.LibraryDiscovery;
import dev.softsilhouette.ffm.nativelib.LibraryLoader;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Provider of the {@code ffm-cublas} backend (priority 200). The probe, run once, stops at once where
 * {@link NvidiaDriverCheck} finds no trace of an NVIDIA driver, and otherwise does real work: native access,
 * the three libraries (every place tried is in the reason when one is missing), the driver, a device, the kernels
 * compiled by NVRTC and loaded, the strategy choice ({@code silhouette.cuda.strategy}), and a small batch of every
 * metric checked against the reference on each strategy the choice can pick (each with its own ports, so the SGEMM
 * one creates a cuBLAS handle).
 */
public final class FfmCublasBackendProvider implements BackendProvider {
    public static final String NAME = "ffm-cublas";
    public static final int PRIORITY = 200;

    private volatile SilhouetteBackend probed;

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
        StrategyChoice choice;
        try {
            choice = StrategyChoice.configured(session.totalMemory, null);
        } catch (IllegalArgumentException e) {
            try {
                session.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            return Availability.unavailable(e.getMessage(), e);
        }
        try {
            EngineBackend.selfCheck(choice, forced -> FfmCublasBackend.on(session, budget, forced, () -> { }));
        } catch (RuntimeException | LinkageError e) {
            try {
                session.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            return Availability.unavailable("self-check on " + session.deviceName + " failed: " + e.getMessage()
                    + " (cuBLAS " + cublasLocation() + ", NVRTC " + nvrtcLocation() + ")", e);
        }
        probed = FfmCublasBackend.on(session, budget, choice, session::close);
        return Availability.available(session.describe() + "; " + choice.describe() + "; cuBLAS from "
                + cublasLocation() + "; Gram budget " + (budget >> 20) + " MiB");
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

    @Override
    public synchronized SilhouetteBackend create() {
        SilhouetteBackend backend = probed;
        if (backend == null) {
            Availability availability = probe();
            availability.ensureAvailable(NAME);
            backend = probed;
        }
        probed = null; // the registry keeps the one instance; a second create() probes (and compiles) again
        return backend;
    }
}
