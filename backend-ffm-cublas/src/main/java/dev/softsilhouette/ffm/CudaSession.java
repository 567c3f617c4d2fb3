package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.CudaVersion;
import dev.softsilhouette.cuda.engine.DeviceOrdinal;
import dev.softsilhouette.cuda.engine.EngineKernels;
import dev.softsilhouette.cuda.engine.KernelImageCache;
import dev.softsilhouette.cuda.engine.KernelModules;
import dev.softsilhouette.cuda.engine.NvrtcProgramKey;
import dev.softsilhouette.cuda.kernels.ComputeCapability;
import dev.softsilhouette.cuda.kernels.KernelSource;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;
import dev.softsilhouette.ffm.cuda.Nvrtc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One device for one backend instance: its retained primary context, and every kernel of the engine
 * ({@link EngineKernels}: both strategies and the block decomposition) compiled with NVRTC for its compute capability
 * and loaded as modules. Shared by every thread (CUfunctions are context-wide).
 */
final class CudaSession implements AutoCloseable {
    /** System property: device ordinal (default 0). */
    static final String DEVICE_PROPERTY = DeviceOrdinal.PROPERTY;

    final int ordinal;
    final int device;
    final MemorySegment context;
    final String deviceName;
    final int computeCapability;
    final long totalMemory;
    final int driverVersion;
    final int[] nvrtcVersion;

    /** The loaded modules and the function of every kernel the strategy launches. */
    private final KernelModules<MemorySegment, MemorySegment> kernels;

    private boolean closed;

    private CudaSession(int ordinal, int device, MemorySegment context,
                        KernelModules<MemorySegment, MemorySegment> kernels, int computeCapability) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
        this.kernels = kernels;
        this.computeCapability = computeCapability;
        this.deviceName = Driver.deviceName(device);
        this.totalMemory = Driver.deviceTotalMemory(device);
        this.driverVersion = Driver.driverVersion();
        this.nvrtcVersion = Nvrtc.version();
    }

    /**
     * Initialises the driver, retains the primary context of the configured device and compiles and loads the
     * kernels. Everything acquired is released again when a later step fails.
     */
    static CudaSession open() {
        Driver.init();
        int count = Driver.deviceCount();
        int ordinal = DeviceOrdinal.configured();
        String unusable = DeviceOrdinal.refusal(ordinal, count);
        if (unusable != null) {
            throw new IllegalStateException(unusable);
        }
        int device = Driver.device(ordinal);
        int major = Driver.deviceAttribute(DriverFunctions.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int minor = Driver.deviceAttribute(DriverFunctions.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int capability = major * 10 + minor;
        String refusal = ComputeCapability.refusal(major, minor, Nvrtc.version()[0]);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        MemorySegment context = Driver.primaryContextRetain(device);
        KernelModules<MemorySegment, MemorySegment> kernels = null;
        try {
            Driver.setCurrentContext(context);
            kernels = KernelModules.load(KernelImageCache.shared(), EngineKernels.launched(), major, minor, nvrtcVersion(),
                    new KernelModules.Binding<>() {
                        @Override
                        public byte[] compile(KernelSource source, NvrtcProgramKey key) {
                            return CudaSession.compile(source.fileName(), key);
                        }

                        @Override
                        public MemorySegment load(KernelSource source, byte[] image) {
                            try (Arena arena = Arena.ofConfined()) {
                                return Driver.moduleLoadData(arena.allocateFrom(JAVA_BYTE, image)); // copied
                            }
                        }

                        @Override
                        public MemorySegment function(MemorySegment module, String kernel) {
                            return Driver.moduleFunction(module, kernel);
                        }

                        @Override
                        public void unload(MemorySegment module) {
                            Driver.moduleUnload(module);
                        }
                    });
            return new CudaSession(ordinal, device, context, kernels, capability);
        } catch (RuntimeException | Error e) {
            if (kernels != null) {
                try {
                    kernels.unloadAll();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            try {
                Driver.primaryContextRelease(device);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** NVRTC: {@code key}'s program (source, headers by name, options) to a cubin. */
    static byte[] compile(String fileName, NvrtcProgramKey key) {
        try (Arena arena = Arena.ofConfined()) {
            return Nvrtc.compileToCubin(fileName, key.source(), key.headersByName(), key.options(), arena)
                    .toArray(JAVA_BYTE);
        }
    }

    private static int nvrtcVersion() {
        int[] version = Nvrtc.version();
        return CudaVersion.of(version[0], version[1]);
    }

    /** The loaded function of the kernel named {@code symbol}. */
    MemorySegment function(String symbol) {
        return kernels.function(symbol);
    }

    /** One line for the availability details. */
    String describe() {
        return String.format("%s (sm_%d, %d MiB), CUDA driver %s, NVRTC %d.%d", deviceName, computeCapability,
                totalMemory >> 20, CudaVersion.text(driverVersion), nvrtcVersion[0], nvrtcVersion[1]);
    }

    /** Unloads every module and releases the primary context, even when an unload fails (then thrown). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            Driver.setCurrentContext(context);
            kernels.unloadAll();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            Driver.primaryContextRelease(device);
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
