package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.SgemmPort;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * The JavaCPP binding's SGEMM port, which the engine's SGEMM strategy runs on: a {@link CudaStreamPort} with a cuBLAS
 * handle bound to its stream ({@code CUBLAS_DEFAULT_MATH}: no TF32), through {@code org.bytedeco.cuda.global.cublas}.
 * The JavaCPP {@code cuda} jars hold cuBLAS's JNI glue only: {@code libcublas.so.13} comes from the machine's CUDA 13
 * install (the {@code cuda-redist} jar does not have it), and where it cannot be loaded the backend runs the fused
 * tiles only ({@link #unavailableReason()}).
 */
final class CudaCublasPort extends CudaStreamPort implements SgemmPort {
    private static boolean loadTried;
    private static String loadFailure;

    private final cublasContext handle;
    /** alpha and beta, read by cuBLAS from host memory before sgemm returns (host pointer mode), so reused. */
    private final FloatPointer alpha = new FloatPointer(1);
    private final FloatPointer beta = new FloatPointer(1);
    /** The three matrices' device addresses, re-pointed for each call: an SGEMM allocates nothing. */
    private final Cuda.RawFloatPointer a = new Cuda.RawFloatPointer(0);
    private final Cuda.RawFloatPointer b = new Cuda.RawFloatPointer(0);
    private final Cuda.RawFloatPointer c = new Cuda.RawFloatPointer(0);

    CudaCublasPort(CudaDevice device) {
        super(device);
        cublasContext h = new cublasContext();
        try {
            Cuda.checkCublas(cublas.cublasCreate_v2(h), "cublasCreate_v2");
            try {
                Cuda.checkCublas(cublas.cublasSetStream_v2(h, stream()), "cublasSetStream_v2");
                Cuda.checkCublas(cublas.cublasSetMathMode(h, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            } catch (RuntimeException e) {
                cublas.cublasDestroy_v2(h);
                throw e;
            }
        } catch (RuntimeException e) {
            try {
                super.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            alpha.close();
            beta.close();
            throw e;
        }
        this.handle = h;
    }

    /** Null when cuBLAS is loaded (tried once per JVM), else why not, in words that say what to do. */
    static synchronized String unavailableReason() {
        if (!loadTried) {
            loadTried = true;
            try {
                Loader.load(cublas.class);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                loadFailure = loadFailureReason(e);
            }
        }
        return loadFailure;
    }

    /** What to do when JavaCPP cannot load cuBLAS, from the innermost message (the loader's own). */
    static String loadFailureReason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "cuBLAS could not be loaded (" + root.getMessage() + "): install the CUDA 13 toolkit's cuBLAS "
                + "(libcublas.so.13 on the library path, e.g. LD_LIBRARY_PATH=/usr/local/cuda/lib64; the cuda-redist "
                + "jar does not carry it)";
    }

    @Override
    public void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        SgemmPort.checkShape(transposeA, transposeB, m, n, k, lda, ldb, ldc);
        this.alpha.put(0, alpha);
        this.beta.put(0, beta);
        Cuda.checkCublas(cublas.cublasSgemm_v2(handle, transposeA ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N,
                transposeB ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N, m, n, k, this.alpha, this.a.at(a), lda,
                this.b.at(b), ldb, this.beta, this.c.at(c), ldc), "cublasSgemm_v2");
    }

    /** Destroys the cuBLAS handle, then the stream (after the workspace waited for it and freed its memory). */
    @Override
    public void close() {
        CleanupFailures.runAll(() -> Cuda.checkCublas(cublas.cublasDestroy_v2(handle), "cublasDestroy_v2"),
                super::close, alpha::close, beta::close);
    }
}
