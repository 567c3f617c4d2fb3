package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.DeviceOrdinal;
import dev.softsilhouette.cuda.engine.KernelImageCache;
import dev.softsilhouette.cuda.engine.sgemm.SgemmKernel;
import dev.softsilhouette.cuda.engine.NvrtcProgramKey;
import dev.softsilhouette.cuda.kernels.ComputeCapability;
import dev.softsilhouette.cuda.kernels.KernelSource;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;
import dev.softsilhouette.ffm.cuda.Nvrtc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * One device for one backend instance: its retained primary context, and the SGEMM strategy's kernels
 * ({@link SgemmKernel}) compiled with NVRTC for its compute capability and loaded as modules. Shared by every thread
 * (CUfunctions are context-wide).
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

    private final java.util.EnumMap<SgemmKernel.Source, MemorySegment> modules;

    /** The loaded function of every kernel the backend launches, by name. */
    private final java.util.Map<String, MemorySegment> functions = new java.util.HashMap<>();

    private boolean closed;

    private CudaSession(int ordinal, int device, MemorySegment context,
                        java.util.EnumMap<SgemmKernel.Source, MemorySegment> modules, int computeCapability) {
        this.ordinal = ordinal;
        this.device = device;
        this.context = context;
        this.modules = modules;
        this.computeCapability = computeCapability;
        this.deviceName = Driver.deviceName(device);
        this.totalMemory = Driver.deviceTotalMemory(device);
        this.driverVersion = Driver.driverVersion();
        this.nvrtcVersion = Nvrtc.version();
        for (SgemmKernel kernel : SgemmKernel.values()) {
            SgemmKernel.SIGNATURES.get(kernel.symbol); // every kernel launched is in the compiled sources
            functions.put(kernel.symbol, Driver.moduleFunction(modules.get(kernel.source), kernel.symbol));
        }
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
        java.util.EnumMap<SgemmKernel.Source, MemorySegment> modules =
                new java.util.EnumMap<>(SgemmKernel.Source.class);
        try {
            Driver.setCurrentContext(context);
            for (SgemmKernel.Source source : SgemmKernel.Source.values()) {
                modules.put(source, loadModule(source.kernelSource(), major, minor));
            }
            return new CudaSession(ordinal, device, context, modules, capability);
        } catch (RuntimeException | Error e) {
            for (MemorySegment module : modules.values()) {
                unloadQuietly(module, e);
            }
            try {
                Driver.primaryContextRelease(device);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static void unloadQuietly(MemorySegment module, Throwable primary) {
        try {
            Driver.moduleUnload(module);
        } catch (RuntimeException suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    /**
     * The module of {@code source}: the image from the shared cache (memory, disk) or NVRTC, loaded by the driver; a
     * cached image the driver rejects is compiled afresh once.
     */
    private static MemorySegment loadModule(KernelSource source, int major, int minor) {
        NvrtcProgramKey key = NvrtcProgramKey.of(source, major, minor, nvrtcVersion());
        return KernelImageCache.shared().load(key, k -> compile(source.fileName(), k), image -> {
            try (Arena arena = Arena.ofConfined()) {
                return Driver.moduleLoadData(arena.allocateFrom(JAVA_BYTE, image)); // the driver copies the image
            }
        });
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
        return version[0] * 1000 + version[1] * 10;
    }

    /** The loaded function of the kernel named {@code symbol}. */
    MemorySegment function(String symbol) {
        MemorySegment f = functions.get(symbol);
        if (f == null) {
            throw new IllegalStateException("kernel " + symbol + " was not loaded");
        }
        return f;
    }

    /** One line for the availability details. */
    String describe() {
        return String.format("%s (sm_%d, %d MiB), CUDA driver %d.%d, NVRTC %d.%d", deviceName, computeCapability,
                totalMemory >> 20, driverVersion / 1000, (driverVersion % 1000) / 10, nvrtcVersion[0], nvrtcVersion[1]);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Driver.setCurrentContext(context);
        for (MemorySegment module : modules.values()) {
            Driver.moduleUnload(module);
        }
        Driver.primaryContextRelease(device);
    }
}
