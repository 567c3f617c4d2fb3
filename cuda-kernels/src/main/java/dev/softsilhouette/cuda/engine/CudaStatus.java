package dev.softsilhouette.cuda.engine;

import java.util.Map;

/**
 * Names of CUDA driver ({@code CUresult}), NVRTC ({@code nvrtcResult}) and cuBLAS ({@code cublasStatus_t}) status
 * codes, for exception messages. The live library's own name function is preferred where it answers; these tables
 * (checked against the JavaCPP constants by a test) cover the codes a backend meets, so a message is readable even
 * when the library cannot say.
 */
public final class CudaStatus {
    private static final Map<Integer, String> DRIVER = Map.ofEntries(
            Map.entry(0, "CUDA_SUCCESS"),
            Map.entry(1, "CUDA_ERROR_INVALID_VALUE"),
            Map.entry(2, "CUDA_ERROR_OUT_OF_MEMORY"),
            Map.entry(3, "CUDA_ERROR_NOT_INITIALIZED"),
            Map.entry(4, "CUDA_ERROR_DEINITIALIZED"),
            Map.entry(34, "CUDA_ERROR_STUB_LIBRARY"),
            Map.entry(46, "CUDA_ERROR_DEVICE_UNAVAILABLE"),
            Map.entry(100, "CUDA_ERROR_NO_DEVICE"),
            Map.entry(101, "CUDA_ERROR_INVALID_DEVICE"),
            Map.entry(200, "CUDA_ERROR_INVALID_IMAGE"),
            Map.entry(201, "CUDA_ERROR_INVALID_CONTEXT"),
            Map.entry(209, "CUDA_ERROR_NO_BINARY_FOR_GPU"),
            Map.entry(218, "CUDA_ERROR_INVALID_PTX"),
            Map.entry(222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"),
            Map.entry(400, "CUDA_ERROR_INVALID_HANDLE"),
            Map.entry(500, "CUDA_ERROR_NOT_FOUND"),
            Map.entry(700, "CUDA_ERROR_ILLEGAL_ADDRESS"),
            Map.entry(701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES"),
            Map.entry(702, "CUDA_ERROR_LAUNCH_TIMEOUT"),
            Map.entry(719, "CUDA_ERROR_LAUNCH_FAILED"),
            Map.entry(803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"),
            Map.entry(999, "CUDA_ERROR_UNKNOWN"));

    private static final Map<Integer, String> NVRTC = Map.ofEntries(
            Map.entry(0, "NVRTC_SUCCESS"),
            Map.entry(1, "NVRTC_ERROR_OUT_OF_MEMORY"),
            Map.entry(2, "NVRTC_ERROR_PROGRAM_CREATION_FAILURE"),
            Map.entry(3, "NVRTC_ERROR_INVALID_INPUT"),
            Map.entry(4, "NVRTC_ERROR_INVALID_PROGRAM"),
            Map.entry(5, "NVRTC_ERROR_INVALID_OPTION"),
            Map.entry(6, "NVRTC_ERROR_COMPILATION"),
            Map.entry(7, "NVRTC_ERROR_BUILTIN_OPERATION_FAILURE"),
            Map.entry(11, "NVRTC_ERROR_INTERNAL_ERROR"));

    private static final Map<Integer, String> CUBLAS = Map.ofEntries(
            Map.entry(0, "CUBLAS_STATUS_SUCCESS"),
            Map.entry(1, "CUBLAS_STATUS_NOT_INITIALIZED"),
            Map.entry(3, "CUBLAS_STATUS_ALLOC_FAILED"),
            Map.entry(7, "CUBLAS_STATUS_INVALID_VALUE"),
            Map.entry(8, "CUBLAS_STATUS_ARCH_MISMATCH"),
            Map.entry(11, "CUBLAS_STATUS_MAPPING_ERROR"),
            Map.entry(13, "CUBLAS_STATUS_EXECUTION_FAILED"),
            Map.entry(14, "CUBLAS_STATUS_INTERNAL_ERROR"),
            Map.entry(15, "CUBLAS_STATUS_NOT_SUPPORTED"));

    private CudaStatus() {
    }

    /** The {@code CUresult} name of {@code code}, or {@code CUDA_ERROR_<code>} when unknown. */
    public static String driverName(int code) {
        return DRIVER.getOrDefault(code, "CUDA_ERROR_" + code);
    }

    /** The {@code nvrtcResult} name of {@code code}, or {@code NVRTC_ERROR_<code>} when unknown. */
    public static String nvrtcName(int code) {
        return NVRTC.getOrDefault(code, "NVRTC_ERROR_" + code);
    }

    /** The {@code cublasStatus_t} name of {@code code}, or {@code CUBLAS_STATUS_<code>} when unknown. */
    public static String cublasName(int code) {
        return CUBLAS.getOrDefault(code, "CUBLAS_STATUS_" + code);
    }

    public static Map<Integer, String> driverTable() {
        return DRIVER;
    }

    public static Map<Integer, String> nvrtcTable() {
        return NVRTC;
    }

    public static Map<Integer, String> cublasTable() {
        return CUBLAS;
    }
}
