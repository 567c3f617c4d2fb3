package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.CudaVersion;
import dev.softsilhouette.cuda.engine.DeviceOrdinal;
import dev.softsilhouette.cuda.engine.NvidiaDriverCheck;
import dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan;
import dev.softsilhouette.cuda.engine.strategies.EngineBackend;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;

import java.util.List;
import java.util.Optional;

/**
 * The {@code cuda} provider, priority 300 (the highest). The probe does real work, Netty style, and keeps the
 * cause: where {@link NvidiaDriverCheck} finds no trace of an NVIDIA driver it stops there; otherwise it loads the
 * JavaCPP CUDA libraries, initialises the driver, checks its version and the device count, retains
 * a context, compiles and loads every kernel with NVRTC, tries cuBLAS (without it the SGEMM strategy is off and the
 * fused tiles run every call), reads the strategy choice, and runs the engine's self-check on each strategy the
 * choice can pick ({@link EngineBackend#selfCheck}: a small batch of every metric against the float64 reference).
 * Each failure gives a reason that says what to do.
 *
 * <p>System properties: {@code silhouette.cuda.device} picks the device ordinal (default 0),
 * {@code silhouette.cuda.strategy} the strategy ({@link StrategyChoice}), {@code silhouette.cuda.gramBudgetBytes}
 * the SGEMM strategy's Gram block budget ({@link GramChunkPlan}).
 */
public final class CudaBackendProvider implements BackendProvider {
    public static final String NAME = "cuda";
    public static final int PRIORITY = 300;
    /** The first driver API version the CUDA 13 bindings run on (13.0). */
    public static final int MINIMUM_DRIVER_VERSION = 13000;
    public static final String DEVICE_PROPERTY = DeviceOrdinal.PROPERTY;

    /** One lease count per device ordinal, shared by every provider instance of this class loader. */
    private static final java.util.Map<Integer, DeviceLeases<CudaDevice>> DEVICES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** What a successful probe found: the device's leases, the strategy choice and the Gram budget. */
    private record Probed(DeviceLeases<CudaDevice> leases, StrategyChoice choice, long gramBudget) {
    }

    /** Set once a probe succeeded. */
    private volatile Probed probed;

    /** For {@link java.util.ServiceLoader}. */
    public CudaBackendProvider() {
    }

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
        return doProbe(); // reported, not logged: the registry logs the selection
    }

    private Availability doProbe() {
        // Before JavaCPP loads anything (over 100 ms even where there is nothing to find).
        Optional<String> noDriver = NvidiaDriverCheck.whyAbsent(NvidiaDriverCheck.Environment.current(List.of()));
        if (noDriver.isPresent()) {
            return Availability.unavailable(noDriver.get(), null);
        }
        try {
            Loader.load(cudart.class);
            Loader.load(nvrtc.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return Availability.unavailable(libraryLoadReason(e), e);
        }
        int status;
        try {
            status = cudart.cuInit(0);
        } catch (UnsatisfiedLinkError e) {
            return Availability.unavailable("the NVIDIA driver library libcuda.so.1 is missing (" + e.getMessage()
                    + "): install the NVIDIA driver", e);
        }
        if (status != 0) {
            String name = Cuda.driverErrorName(status);
            return Availability.unavailable("cuInit failed with " + name + " (" + status + "): "
                    + (status == 100 ? "no NVIDIA GPU is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES)"
                    : "check that the NVIDIA driver is installed and loaded (nvidia-smi)"), null);
        }
        int[] version = new int[1];
        status = cudart.cuDriverGetVersion(version);
        if (status != 0) {
            return Availability.unavailable("cuDriverGetVersion failed with " + Cuda.driverErrorName(status)
                    + ": reinstall the NVIDIA driver", null);
        }
        if (version[0] < MINIMUM_DRIVER_VERSION) {
            return Availability.unavailable("the NVIDIA driver supports CUDA " + CudaVersion.text(version[0])
                    + "; this backend needs CUDA 13.0 or newer: update the NVIDIA driver "
                    + "(580 or newer)", null);
        }
        int[] count = new int[1];
        status = cudart.cuDeviceGetCount(count);
        if (status != 0 || count[0] < 1) {
            return Availability.unavailable("no CUDA device found (cuDeviceGetCount: "
                    + (status != 0 ? Cuda.driverErrorName(status) : "0 devices")
                    + "): check nvidia-smi and CUDA_VISIBLE_DEVICES", null);
        }
        int ordinal;
        try {
            ordinal = DeviceOrdinal.configured();
        } catch (IllegalArgumentException e) {
            return Availability.unavailable(e.getMessage(), e);
        }
        String unusable = DeviceOrdinal.refusal(ordinal, count[0]);
        if (unusable != null) {
            return Availability.unavailable(unusable, null);
        }
        int driverVersion = version[0];
        DeviceLeases<CudaDevice> forDevice = DEVICES.computeIfAbsent(ordinal,
                o -> new DeviceLeases<>(() -> CudaDevice.open(o, driverVersion), CudaDevice::close));
        // The probe opens the device (compiling and loading every kernel) and lets go of it again: a backend holds
        // the context and modules only while it is open.
        try (DeviceLeases<CudaDevice>.Lease lease = forDevice.acquire()) {
            CudaDevice opened = lease.device();
            StrategyChoice choice;
            long budget;
            try {
                choice = StrategyChoice.configured(opened.totalMemory, CudaCublasPort.unavailableReason());
                budget = GramChunkPlan.configuredBudget();
            } catch (IllegalArgumentException e) {
                return Availability.unavailable(e.getMessage(), e);
            }
            try {
                EngineBackend.selfCheck(choice, forced -> CudaBackend.on(forDevice.acquire(), forced, budget));
            } catch (RuntimeException | LinkageError e) {
                return Availability.unavailable("self-check on " + opened.describe() + " failed: " + e.getMessage(),
                        e);
            }
            this.probed = new Probed(forDevice, choice, budget);
            return Availability.available(opened.describe() + ", " + choice.describe() + ", NVRTC sm_" + opened.major
                    + opened.minor);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("opening CUDA device " + ordinal + " failed: " + e.getMessage()
                    + " (an NVRTC log, if any, is in the cause)", e);
        }
    }

    /** What to do when JavaCPP cannot load the CUDA libraries, from the innermost message (the loader's own). */
    static String libraryLoadReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        if (message.contains("libcuda.so")) {
            return "the NVIDIA driver library libcuda.so.1 was not found (" + message + "): install the NVIDIA "
                    + "driver (580 or newer for CUDA 13); on a machine without an NVIDIA GPU use another backend";
        }
        return "the CUDA 13 libraries could not be loaded (" + message + "): install the NVIDIA driver and the "
                + "CUDA 13 toolkit (libcudart.so.13 and libnvrtc.so.13 on the library path, e.g. LD_LIBRARY_PATH="
                + "/usr/local/cuda/lib64), or add org.bytedeco:cuda-redist:13.3-9.25-1.5.14:linux-x86_64 to the "
                + "class path (-Pcuda-redist in this build)";
    }

    @Override
    public SilhouetteBackend create() {
        Probed p = probed;
        if (p == null) {
            Availability a = doProbe();
            a.ensureAvailable(NAME);
            p = probed;
        }
        return CudaBackend.on(p.leases().acquire(), p.choice(), p.gramBudget());
    }
}
