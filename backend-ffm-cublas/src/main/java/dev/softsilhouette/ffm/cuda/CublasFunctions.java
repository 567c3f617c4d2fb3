package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.ffm.nativelib.NativeFunction;

import java.lang.foreign.FunctionDescriptor;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The cuBLAS functions bound, as {@code cublas_api.h} declares them. {@code cublas_v2.h} {@code #define}s
 * {@code cublasCreate} to {@code cublasCreate_v2} and so on: the {@code _v2} symbols are the ones bound.
 */
public final class CublasFunctions {
    static final String LIB = "cublas";

    public static final NativeFunction CUBLAS_GET_STATUS_NAME = NativeFunction.of(LIB, "cublasGetStatusName",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    public static final NativeFunction CUBLAS_CREATE = new NativeFunction(LIB, "cublasCreate", "cublasCreate_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CUBLAS_DESTROY = new NativeFunction(LIB, "cublasDestroy", "cublasDestroy_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CUBLAS_GET_VERSION = new NativeFunction(LIB, "cublasGetVersion",
            "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction CUBLAS_SET_STREAM = new NativeFunction(LIB, "cublasSetStream",
            "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction CUBLAS_SET_MATH_MODE = NativeFunction.of(LIB, "cublasSetMathMode",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CUBLAS_SGEMM = new NativeFunction(LIB, "cublasSgemm", "cublasSgemm_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS,
                    ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

    /** Every cuBLAS function bound. */
    public static final List<NativeFunction> ALL = List.of(CUBLAS_GET_STATUS_NAME, CUBLAS_CREATE, CUBLAS_DESTROY,
            CUBLAS_GET_VERSION, CUBLAS_SET_STREAM, CUBLAS_SET_MATH_MODE, CUBLAS_SGEMM);

    /** CUBLAS_OP_N. */
    public static final int OP_N = 0;
    /** CUBLAS_OP_T. */
    public static final int OP_T = 1;
    /** CUBLAS_DEFAULT_MATH: full float32, no TF32 down-conversion (which would break SPEC 8). */
    public static final int DEFAULT_MATH = 0;

    private CublasFunctions() {
    }

    /** The argument checks of {@link Cublas#sgemm}: the operations, then the engine's BLAS rules. */
    public static void checkGemm(int transA, int transB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (!isOp(transA) || !isOp(transB)) {
            throw new IllegalArgumentException("sgemm: trans must be CUBLAS_OP_N or CUBLAS_OP_T: " + transA + ", "
                    + transB);
        }
        SgemmPort.checkShape(transA == OP_T, transB == OP_T, m, n, k, lda, ldb, ldc);
    }

    private static boolean isOp(int op) {
        return op == CublasFunctions.OP_N || op == CublasFunctions.OP_T;
    }
}
