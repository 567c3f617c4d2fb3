package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.CudaStatus;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The name tables against the JavaCPP constants (compile-time constants: reading them loads no native library, so
 * this runs without CUDA).
 */
class CudaStatusTest {

    @Test
    void driverNamesMatchTheBindings() {
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaStatus.driverName(cudart.CUDA_ERROR_OUT_OF_MEMORY));
        assertEquals("CUDA_ERROR_NO_DEVICE", CudaStatus.driverName(cudart.CUDA_ERROR_NO_DEVICE));
        assertEquals("CUDA_ERROR_STUB_LIBRARY", CudaStatus.driverName(cudart.CUDA_ERROR_STUB_LIBRARY));
        assertEquals("CUDA_ERROR_DEVICE_UNAVAILABLE", CudaStatus.driverName(cudart.CUDA_ERROR_DEVICE_UNAVAILABLE));
        assertEquals("CUDA_ERROR_INVALID_IMAGE", CudaStatus.driverName(cudart.CUDA_ERROR_INVALID_IMAGE));
        assertEquals("CUDA_ERROR_NO_BINARY_FOR_GPU", CudaStatus.driverName(cudart.CUDA_ERROR_NO_BINARY_FOR_GPU));
        assertEquals("CUDA_ERROR_ILLEGAL_ADDRESS", CudaStatus.driverName(cudart.CUDA_ERROR_ILLEGAL_ADDRESS));
        assertEquals("CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
                CudaStatus.driverName(cudart.CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES));
        assertEquals("CUDA_ERROR_LAUNCH_FAILED", CudaStatus.driverName(cudart.CUDA_ERROR_LAUNCH_FAILED));
        assertEquals("CUDA_ERROR_SYSTEM_DRIVER_MISMATCH",
                CudaStatus.driverName(cudart.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH));
        assertEquals("CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
                CudaStatus.driverName(cudart.CUDA_ERROR_UNSUPPORTED_PTX_VERSION));
        assertEquals("CUDA_ERROR_UNKNOWN", CudaStatus.driverName(cudart.CUDA_ERROR_UNKNOWN));
        assertEquals("CUDA_ERROR_12345", CudaStatus.driverName(12345));
    }

    @Test
    void nvrtcAndCublasNamesMatchTheBindings() {
        assertEquals("NVRTC_ERROR_COMPILATION", CudaStatus.nvrtcName(nvrtc.NVRTC_ERROR_COMPILATION));
        assertEquals("NVRTC_ERROR_INVALID_OPTION", CudaStatus.nvrtcName(nvrtc.NVRTC_ERROR_INVALID_OPTION));
        assertEquals("NVRTC_ERROR_INTERNAL_ERROR", CudaStatus.nvrtcName(nvrtc.NVRTC_ERROR_INTERNAL_ERROR));
        assertEquals("CUBLAS_STATUS_EXECUTION_FAILED",
                CudaStatus.cublasName(cublas.CUBLAS_STATUS_EXECUTION_FAILED));
        assertEquals("CUBLAS_STATUS_ALLOC_FAILED", CudaStatus.cublasName(cublas.CUBLAS_STATUS_ALLOC_FAILED));
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED", CudaStatus.cublasName(cublas.CUBLAS_STATUS_NOT_SUPPORTED));
    }

    @Test
    void everyTableEntryIsItsBindingConstant() throws Exception {
        // The tables, checked entry by entry against the constants' values read from the class files.
        checkTable(CudaStatus.driverTable(), cudart.class);
        checkTable(CudaStatus.nvrtcTable(), nvrtc.class);
        checkTable(CudaStatus.cublasTable(), cublas.class);
    }

    private static void checkTable(java.util.Map<Integer, String> table, Class<?> bindings) throws Exception {
        // getDeclaredField + getInt would initialise the class (and load CUDA); ConstantValue attributes are read
        // without initialisation through the class file instead.
        java.util.Map<String, Integer> constants = ClassFileConstants.intConstants(bindings);
        for (var e : table.entrySet()) {
            assertEquals(e.getKey(), constants.get(e.getValue()), e.getValue());
        }
    }
}
