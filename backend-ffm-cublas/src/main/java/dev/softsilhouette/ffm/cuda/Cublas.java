package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.cuda.engine.CudaStatus;

import dev.softsilhouette.ffm.nativelib.Downcalls;
import dev.softsilhouette.ffm.nativelib.LoadedLibrary;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** cuBLAS (column-major, as BLAS). Initialised on first use (loads {@code libcublas}). */
public final class Cublas {
    private static final LoadedLibrary LIBRARY = CudaLibraries.cublas().require();

    private static final MethodHandle GET_STATUS_NAME = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_GET_STATUS_NAME);
    private static final MethodHandle CREATE = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_CREATE);
    private static final MethodHandle DESTROY = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_DESTROY);
    private static final MethodHandle GET_VERSION = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_GET_VERSION);
    private static final MethodHandle SET_STREAM = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_SET_STREAM);
    private static final MethodHandle SET_MATH_MODE = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_SET_MATH_MODE);
    private static final MethodHandle SGEMM = Downcalls.bind(LIBRARY, CublasFunctions.CUBLAS_SGEMM);

    private Cublas() {
    }

    /** Where {@code libcublas} was loaded from. */
    public static String libraryLocation() {
        return LIBRARY.describe();
    }

    static void check(int status, String function) {
        if (status != 0) {
            throw new BackendFailureException(Status.BACKEND, function, status, statusName(status), null);
        }
    }

    /** {@code CUBLAS_STATUS_ALLOC_FAILED} etc. */
    public static String statusName(int status) {
        MemorySegment name;
        try {
            name = (MemorySegment) GET_STATUS_NAME.invokeExact(status);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cublasGetStatusName", t);
        }
        return Downcalls.cString(name, CudaStatus.cublasName(status));
    }

    /** A new handle for the current context; pair with {@link #destroy}. */
    public static MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CREATE.invokeExact(out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cublasCreate_v2", t);
            }
            check(rc, "cublasCreate_v2");
            return out.get(ADDRESS, 0);
        }
    }

    public static void destroy(MemorySegment handle) {
        Driver.requireHandle(handle, "handle");
        int rc;
        try {
            rc = (int) DESTROY.invokeExact(handle);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cublasDestroy_v2", t);
        }
        check(rc, "cublasDestroy_v2");
    }

    public static int version(MemorySegment handle) {
        Driver.requireHandle(handle, "handle");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) GET_VERSION.invokeExact(handle, out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cublasGetVersion_v2", t);
            }
            check(rc, "cublasGetVersion_v2");
            return out.get(JAVA_INT, 0);
        }
    }

    public static void setStream(MemorySegment handle, MemorySegment stream) {
        Driver.requireHandle(handle, "handle");
        Driver.requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) SET_STREAM.invokeExact(handle, stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cublasSetStream_v2", t);
        }
        check(rc, "cublasSetStream_v2");
    }

    public static void setMathMode(MemorySegment handle, int mode) {
        Driver.requireHandle(handle, "handle");
        int rc;
        try {
            rc = (int) SET_MATH_MODE.invokeExact(handle, mode);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cublasSetMathMode", t);
        }
        check(rc, "cublasSetMathMode");
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}, column-major, device pointers, alpha and beta in host memory
     * (the default pointer mode). Checked as BLAS's xerbla would, before the call.
     */
    public static void sgemm(MemorySegment handle, int transA, int transB, int m, int n, int k,
                             MemorySegment alpha, long a, int lda, long b, int ldb,
                             MemorySegment beta, long c, int ldc) {
        Driver.requireHandle(handle, "handle");
        CublasFunctions.checkGemm(transA, transB, m, n, k, lda, ldb, ldc);
        Driver.requireNativeBytes(alpha, JAVA_FLOAT.byteSize(), "alpha");
        Driver.requireNativeBytes(beta, JAVA_FLOAT.byteSize(), "beta");
        Driver.requireDevicePointer(a, "A");
        Driver.requireDevicePointer(b, "B");
        Driver.requireDevicePointer(c, "C");
        int rc;
        try {
            rc = (int) SGEMM.invokeExact(handle, transA, transB, m, n, k, alpha, MemorySegment.ofAddress(a), lda,
                    MemorySegment.ofAddress(b), ldb, beta, MemorySegment.ofAddress(c), ldc);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cublasSgemm_v2", t);
        }
        check(rc, "cublasSgemm_v2");
    }

}
