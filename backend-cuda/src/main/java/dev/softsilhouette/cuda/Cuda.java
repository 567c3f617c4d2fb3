package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.CudaStatus;
import dev.softsilhouette.cuda.engine.CudaVersion;

import dev.softsilhouette.spi.BackendFailureException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/** Status checks of every native call: a failure becomes a {@link BackendFailureException} naming the call. */
final class Cuda {
    static final String BACKEND = CudaBackendProvider.NAME;

    private Cuda() {
    }

    /** Throws unless {@code status} is {@code CUDA_SUCCESS}. */
    static void check(int status, String function) {
        if (status != 0) {
            throw new BackendFailureException(BACKEND, function, status, driverErrorName(status), null);
        }
    }

    /** Throws unless {@code status} is {@code NVRTC_SUCCESS}; {@code log} (may be null) goes into the message. */
    static void checkNvrtc(int status, String function, String log) {
        if (status != 0) {
            throw new BackendFailureException(BACKEND, function, status, CudaStatus.nvrtcName(status),
                    log == null || log.isBlank() ? null : "NVRTC log:\n" + log);
        }
    }

    /** Throws unless {@code status} is {@code CUBLAS_STATUS_SUCCESS}. */
    static void checkCublas(int status, String function) {
        if (status != 0) {
            throw new BackendFailureException(BACKEND, function, status, CudaStatus.cublasName(status), null);
        }
    }

    /** The driver's own name for a code where it knows it, else the table's. */
    static String driverErrorName(int status) {
        try (org.bytedeco.javacpp.PointerPointer<BytePointer> out = new org.bytedeco.javacpp.PointerPointer<>(1)) {
            if (cudart.cuGetErrorName(status, out) == 0 && out.get(0) != null) {
                return out.getString(0);
            }
        } catch (RuntimeException | LinkageError e) {
            // the library is not loaded: fall through to the table
        }
        return CudaStatus.driverName(status);
    }

    /** NVRTC's major * 1000 + minor * 10, the CUDA version convention. */
    static int nvrtcVersion() {
        int[] major = new int[1];
        int[] minor = new int[1];
        checkNvrtc(nvrtc.nvrtcVersion(major, minor), "nvrtcVersion", null);
        return CudaVersion.of(major[0], minor[0]);
    }

    /** A JavaCPP pointer object whose address is a raw (device or pinned) address, for calls typed on pointers. */
    static final class RawPointer extends Pointer {
        RawPointer(long address) {
            this.address = address;
        }
    }

    /** The same for float-typed parameters (cuBLAS). */
    static final class RawFloatPointer extends FloatPointer {
        RawFloatPointer(long address) {
            this.address = address;
        }

        /** Points this object at {@code address}, so that a call site reuses one object instead of allocating. */
        RawFloatPointer at(long address) {
            this.address = address;
            return this;
        }
    }
}
