package dev.softsilhouette.cuda.engine;

/**
 * A device port that also multiplies matrices: what the engine's SGEMM strategy (cuBLAS Gram blocks and
 * class-statistics products) needs beyond {@link DevicePort}. Both bindings implement it with cuBLAS (the JavaCPP one
 * where cuBLAS can be loaded); the fused tiles need only the plain port.
 */
public interface SgemmPort extends DevicePort {

    /**
     * Queues {@code C = alpha op(A) op(B) + beta C} on the port's stream, in float32 without TF32 (SPEC 8), with
     * BLAS's column-major conventions: {@code op(A)} is m x k, {@code op(B)} k x n, C m x n.
     */
    void sgemm(boolean transposeA, boolean transposeB, int m, int n, int k, float alpha, long a, int lda, long b,
               int ldb, float beta, long c, int ldc);

    /**
     * BLAS's argument rules for {@link #sgemm}, as its {@code xerbla} checks them (dimensions not negative, each
     * leading dimension covering the stored rows): both bindings check before the native call.
     *
     * @throws IllegalArgumentException naming the argument
     */
    static void checkShape(boolean transposeA, boolean transposeB, int m, int n, int k, int lda, int ldb, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("sgemm: negative dimension m=" + m + " n=" + n + " k=" + k);
        }
        int rowsA = transposeA ? k : m;
        int rowsB = transposeB ? n : k;
        if (lda < Math.max(1, rowsA)) {
            throw new IllegalArgumentException("sgemm: lda=" + lda + " < " + Math.max(1, rowsA));
        }
        if (ldb < Math.max(1, rowsB)) {
            throw new IllegalArgumentException("sgemm: ldb=" + ldb + " < " + Math.max(1, rowsB));
        }
        if (ldc < Math.max(1, m)) {
            throw new IllegalArgumentException("sgemm: ldc=" + ldc + " < " + Math.max(1, m));
        }
    }
}
