package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.ffm.nativelib.LibraryDiscovery;
import dev.softsilhouette.ffm.nativelib.LibraryLoader;

import java.util.List;
import java.util.Map;

/** The three libraries, what they are called, and their (lazy, once) loading. */
public final class CudaLibraries {
    /** The driver API; installed with the NVIDIA driver, never shipped in toolkits' normal folders or wheels. */
    public static final LibraryDiscovery.Spec DRIVER = new LibraryDiscovery.Spec("CUDA driver (libcuda)",
            List.of("libcuda.so.1", "libcuda.so"), List.of(), Map.of());
    /**
     * NVRTC; the CUDA 13 wheels put it under {@code nvidia/cu13/lib}, the CUDA 12 ones under
     * {@code nvidia/cuda_nvrtc/lib}. NVRTC opens {@code libnvrtc-builtins.so.<major>.<minor>} by name when it
     * compiles, so the builtins of the same folder are loaded first.
     */
    public static final LibraryDiscovery.Spec NVRTC = new LibraryDiscovery.Spec("NVRTC",
            List.of("libnvrtc.so.13", "libnvrtc.so.12"), List.of("cu13", "cuda_nvrtc"),
            Map.of("libnvrtc.so.13", List.of("libnvrtc-builtins.so.13"),
                    "libnvrtc.so.12", List.of("libnvrtc-builtins.so.12")));
    /** cuBLAS, with cuBLASLt from the same folder loaded first (it is cuBLAS's dependency). */
    public static final LibraryDiscovery.Spec CUBLAS = new LibraryDiscovery.Spec("cuBLAS",
            List.of("libcublas.so.13", "libcublas.so.12"), List.of("cu13", "cublas"),
            Map.of("libcublas.so.13", List.of("libcublasLt.so.13"), "libcublas.so.12", List.of("libcublasLt.so.12")));

    private CudaLibraries() {
    }

    private static LibraryLoader.Result load(LibraryDiscovery.Spec spec) {
        return LibraryLoader.load(spec, LibraryDiscovery.discover(spec, LibraryDiscovery.Environment.current()),
                LibraryLoader.DLOPEN);
    }

    private static final class DriverHolder {
        static final LibraryLoader.Result RESULT = load(DRIVER);
    }

    private static final class NvrtcHolder {
        static final LibraryLoader.Result RESULT = load(NVRTC);
    }

    private static final class CublasHolder {
        static final LibraryLoader.Result RESULT = load(CUBLAS);
    }

    /** The driver's load result (loaded on first call). */
    public static LibraryLoader.Result driver() {
        return DriverHolder.RESULT;
    }

    /** NVRTC's load result (loaded on first call). */
    public static LibraryLoader.Result nvrtc() {
        return NvrtcHolder.RESULT;
    }

    /** cuBLAS's load result (loaded on first call). */
    public static LibraryLoader.Result cublas() {
        return CublasHolder.RESULT;
    }
}
