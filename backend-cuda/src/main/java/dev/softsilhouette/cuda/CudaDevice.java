package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.CudaVersion;
import dev.softsilhouette.cuda.engine.EngineKernels;
import dev.softsilhouette.cuda.engine.KernelImageCache;
import dev.softsilhouette.cuda.engine.KernelModules;
import dev.softsilhouette.cuda.engine.NvrtcProgramKey;
import dev.softsilhouette.cuda.kernels.ComputeCapability;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.List;

/**
 * One GPU: its primary context and every kernel of the engine, compiled by NVRTC for its compute capability and
 * loaded with {@code cuModuleLoadData}. Compiled images are cached per program key (source, options, NVRTC version, compute
 * capability) in memory and on disk (the shared {@link KernelImageCache}, which ffm-cublas uses too), so neither a second backend instance nor the next
 * JVM recompiles. Opened and closed through {@link DeviceLeases}: {@link #close()} unloads the modules and releases
 * the primary context.
 */
final class CudaDevice {
    final int ordinal;
    final String name;
    final int major;
    final int minor;
    final int multiprocessors;
    final long totalMemory;
    final int driverVersion;
    final CUctx_st context;
    /** The driver's device handle (CUdevice), for releasing the primary context. */
    private final int handle;
    /** The loaded modules and launched functions; null until {@link #open} loaded them. */
    private KernelModules<CUmod_st, CUfunc_st> kernels;

    /** Package-private so that tests can stand in a device without a GPU (a null context, nothing loaded). */
    CudaDevice(int ordinal, int handle, String name, int major, int minor, int multiprocessors, long totalMemory,
               int driverVersion, CUctx_st context) {
        this.handle = handle;
        this.ordinal = ordinal;
        this.name = name;
        this.major = major;
        this.minor = minor;
        this.multiprocessors = multiprocessors;
        this.totalMemory = totalMemory;
        this.driverVersion = driverVersion;
        this.context = context;
    }

    /** Retains the device's primary context and compiles and loads every kernel. */
    static CudaDevice open(int ordinal, int driverVersion) {
        int[] device = new int[1];
        Cuda.check(cudart.cuDeviceGet(device, ordinal), "cuDeviceGet");
        int[] value = new int[1];
        Cuda.check(cudart.cuDeviceGetAttribute(value, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                device[0]), "cuDeviceGetAttribute");
        int major = value[0];
        Cuda.check(cudart.cuDeviceGetAttribute(value, cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                device[0]), "cuDeviceGetAttribute");
        int minor = value[0];
        // the JavaCPP bindings are CUDA 13: NVRTC 13 compiles for sm_75 and newer only
        String refusal = ComputeCapability.refusal(major, minor, 13);
        if (refusal != null) {
            throw new IllegalStateException(refusal);
        }
        Cuda.check(cudart.cuDeviceGetAttribute(value, cudart.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, device[0]),
                "cuDeviceGetAttribute");
        int sms = value[0];
        byte[] nameBytes = new byte[256];
        Cuda.check(cudart.cuDeviceGetName(nameBytes, nameBytes.length, device[0]), "cuDeviceGetName");
        int length = 0;
        while (length < nameBytes.length && nameBytes[length] != 0) {
            length++;
        }
        String name = new String(nameBytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
        long total;
        try (SizeTPointer bytes = new SizeTPointer(1)) {
            Cuda.check(cudart.cuDeviceTotalMem(bytes, device[0]), "cuDeviceTotalMem");
            total = bytes.get();
        }
        CUctx_st context = new CUctx_st();
        Cuda.check(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        CudaDevice result = new CudaDevice(ordinal, device[0], name, major, minor, sms, total, driverVersion, context);
        try {
            result.makeCurrent();
            result.loadKernels();
        } catch (RuntimeException | Error e) {
            try {
                result.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return result;
    }

    /**
     * Unloads every module and releases the primary context (the driver destroys it when no other retainer is
     * left). Called by the last {@link DeviceLeases.Lease}, after every workspace on this device was closed.
     */
    void close() {
        RuntimeException failure = null;
        try {
            makeCurrent();
            if (kernels != null) {
                kernels.unloadAll();
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        kernels = null;
        try {
            Cuda.check(cudart.cuDevicePrimaryCtxRelease(handle), "cuDevicePrimaryCtxRelease");
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Binds this device's context to the calling thread (cheap; every call does it first). */
    void makeCurrent() {
        Cuda.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** The kernel named {@code kernel}, from any of the loaded modules. */
    CUfunc_st function(String kernel) {
        if (kernels == null) {
            throw new IllegalStateException("kernel " + kernel + " was not loaded");
        }
        return kernels.function(kernel);
    }

    /**
     * Every source's module and the functions of its kernels ({@link EngineKernels}: both strategies and the block
     * decomposition; the engine's load, JavaCPP calls).
     */
    private void loadKernels() {
        kernels = KernelModules.load(KernelImageCache.shared(), EngineKernels.launched(), major, minor,
                Cuda.nvrtcVersion(),
                new KernelModules.Binding<>() {
                    @Override
                    public byte[] compile(KernelSource source, NvrtcProgramKey key) {
                        return CudaDevice.compile(source.fileName(), key).image();
                    }

                    @Override
                    public CUmod_st load(KernelSource source, byte[] image) {
                        CUmod_st loaded = new CUmod_st();
                        try (BytePointer data = new BytePointer(image)) {
                            Cuda.check(cudart.cuModuleLoadData(loaded, data),
                                    "cuModuleLoadData(" + source.fileName() + ")");
                        }
                        return loaded;
                    }

                    @Override
                    public CUfunc_st function(CUmod_st module, String kernel) {
                        CUfunc_st f = new CUfunc_st();
                        Cuda.check(cudart.cuModuleGetFunction(f, module, kernel),
                                "cuModuleGetFunction(" + kernel + ")");
                        return f;
                    }

                    @Override
                    public void unload(CUmod_st module) {
                        Cuda.check(cudart.cuModuleUnload(module), "cuModuleUnload");
                    }
                });
    }

    /** A CUBIN and NVRTC's log (warnings; empty when clean). */
    record Compiled(byte[] image, String log) {
    }

    /** NVRTC to a CUBIN; a failure carries NVRTC's log. Needs the NVRTC library, not a GPU. */
    static Compiled compile(String fileName, NvrtcProgramKey key) {
        _nvrtcProgram program = new _nvrtcProgram();
        List<String> headerNames = KernelCatalog.HEADERS;
        try (BytePointer source = new BytePointer(key.source(), java.nio.charset.StandardCharsets.UTF_8);
             BytePointer name = new BytePointer(fileName);
             PointerPointer<BytePointer> headers = new PointerPointer<>(key.headers().toArray(new String[0]));
             PointerPointer<BytePointer> includes = new PointerPointer<>(headerNames.toArray(new String[0]));
             PointerPointer<BytePointer> options = new PointerPointer<>(key.options().toArray(new String[0]))) {
            Cuda.checkNvrtc(nvrtc.nvrtcCreateProgram(program, source, name, headerNames.size(), headers, includes),
                    "nvrtcCreateProgram(" + fileName + ")", null);
            try {
                int status = nvrtc.nvrtcCompileProgram(program, key.options().size(), options);
                String log = log(program);
                Cuda.checkNvrtc(status, "nvrtcCompileProgram(" + fileName + ", " + key.options() + ")", log);
                try (SizeTPointer size = new SizeTPointer(1)) {
                    Cuda.checkNvrtc(nvrtc.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize", null);
                    byte[] image = new byte[Math.toIntExact(size.get())];
                    Cuda.checkNvrtc(nvrtc.nvrtcGetCUBIN(program, image), "nvrtcGetCUBIN", null);
                    return new Compiled(image, log);
                }
            } finally {
                nvrtc.nvrtcDestroyProgram(program);
            }
        }
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtc.nvrtcGetProgramLogSize(program, size) != 0 || size.get() <= 1) {
                return "";
            }
            byte[] log = new byte[Math.toIntExact(size.get())];
            if (nvrtc.nvrtcGetProgramLog(program, log) != 0) {
                return "";
            }
            return new String(log, 0, log.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    String describe() {
        return name + " (device " + ordinal + ", sm_" + major + minor + ", " + multiprocessors + " SMs, "
                + (totalMemory >> 20) + " MiB), driver CUDA " + CudaVersion.text(driverVersion);
    }
}
