package dev.softsilhouette.bench.ceiling;

import dev.softsilhouette.bench.workload.Workload;

/**
 * An SGEMM shape, row-major {@code C[m x n] = A[m x k] * B[n x k]^T}: for a workload, the Gram work
 * {@code X_block * X^T} (m rows of the batch against all N, inner dimension D).
 */
public record GemmShape(int m, int n, int k) {
    /** The largest C a ceiling measurement allocates, in floats (256 MiB): enough rows to reach the GEMM's rate. */
    static final long MAX_C_FLOATS = 1L << 26;

    public GemmShape {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("gemm shape: m, n, k must be >= 1, got " + m + "x" + n + "x" + k);
        }
    }

    /**
     * The Gram shape of a workload: M = N rows (fewer when N x N floats would pass 256 MiB: a row block, as a tiled
     * kernel computes it), N, K = D.
     */
    public static GemmShape gramOf(Workload w) {
        int m = (int) Math.max(1, Math.min(w.n(), MAX_C_FLOATS / w.n()));
        return new GemmShape(m, w.n(), w.d());
    }

    /** Parses {@code MxNxK}. */
    public static GemmShape parse(String text) {
        String[] p = text.trim().split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("gemm shape: '" + text + "' is not MxNxK");
        }
        return new GemmShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    /** 2*M*N*K. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    public String label() {
        return m + "x" + n + "x" + k;
    }

    @Override
    public String toString() {
        return label();
    }
}
