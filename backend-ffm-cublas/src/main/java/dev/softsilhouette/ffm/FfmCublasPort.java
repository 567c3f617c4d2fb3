package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.CublasFunctions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

/**
 * The port the SGEMM strategy runs on: an {@link FfmStreamPort} with a cuBLAS handle bound to its stream (default
 * math: no TF32) for {@link #sgemm}. The cuBLAS downcalls turn every failing status into a
 * {@code BackendFailureException}.
 */
final class FfmCublasPort extends FfmStreamPort implements SgemmPort {
    private final MemorySegment cublas;
    private final Arena scalars = Arena.ofShared();
    /** alpha and beta, read by cuBLAS from host memory before sgemm returns (host pointer mode), so reused. */
    private final MemorySegment alpha = scalars.allocate(JAVA_FLOAT);
    private final MemorySegment beta = scalars.allocate(JAVA_FLOAT);

    FfmCublasPort(CudaSession session) {
        super(session);
        MemorySegment handle;
        try {
            handle = Cublas.create();
            try {
                Cublas.setStream(handle, stream);
                Cublas.setMathMode(handle, CublasFunctions.DEFAULT_MATH);
            } catch (RuntimeException e) {
                Cublas.destroy(handle);
                throw e;
            }
        } catch (RuntimeException e) {
            super.close();
            scalars.close();
            throw e;
        }
        this.cublas = handle;
    }

    @Override
    public void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, float alpha, long a, int lda,
                      long b, int ldb, float beta, long c, int ldc) {
        this.alpha.set(JAVA_FLOAT, 0, alpha);
        this.beta.set(JAVA_FLOAT, 0, beta);
        Cublas.sgemm(cublas, transposeA ? CublasFunctions.OP_T : CublasFunctions.OP_N,
                transposeB ? CublasFunctions.OP_T : CublasFunctions.OP_N, m, n, k, this.alpha, a, lda, b, ldb,
                this.beta, c, ldc);
    }

    /** Destroys the cuBLAS handle, then the stream (after the workspace waited for it and freed its memory). */
    @Override
    public void close() {
        CleanupFailures.runAll(() -> Cublas.destroy(cublas), super::close, scalars::close);
    }
}
