package dev.softsilhouette.cuda.engine;

/**
 * A device port that also multiplies matrices: what the cuBLAS Gram and class-statistics strategy of
 * {@code ffm-cublas} needs beyond {@link DevicePort}. The {@code cuda} backend's fused kernels need no GEMM library,
 * so its binding does not implement it (and needs no cuBLAS).
 */
public interface SgemmPort extends DevicePort {

    /**
     * Queues {@code C = alpha op(A) op(B) + beta C} on the port's stream, in float32 without TF32 (SPEC 8), with
     * BLAS's column-major conventions: {@code op(A)} is m x k, {@code op(B)} k x n, C m x n.
     */
    void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, float alpha, long a, int lda, long b,
               int ldb, float beta, long c, int ldc);
}
