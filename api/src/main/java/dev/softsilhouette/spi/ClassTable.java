package dev.softsilhouette.spi;

/**
 * Per-class statistics of {@code SQUARED_EUCLIDEAN} or {@code COSINE} (SPEC section 12), as backends read and add to
 * them. With {@code v_j} the row {@code x_j} ({@code SQUARED_EUCLIDEAN}) or its unit row
 * {@code u_j = x_j / max(|x_j|, 1e-12)} ({@code COSINE}) and {@code h} the shift common to every block, all in
 * float64, merging by addition. For {@link SilhouetteBackend#addClassStatistics} the arrays are the call's output
 * (offsets already filled in by the API layer, the rest added to); for {@link SilhouetteBackend#blockSilhouettes}
 * they are read-only.
 *
 * @param classCount       K
 * @param dims             D
 * @param shift            {@code h}, D values
 * @param classOffsets     K+1 class boundaries as if the rows were sorted by class:
 *                         {@code n_k = classOffsets[k+1] - classOffsets[k]} (what {@link SilhouetteMath} reads)
 * @param sums             {@code S_k = sum_{j in k} (v_j - h)}, K*D values, class-major
 * @param squaredNorms     {@code Q_k = sum_{j in k} |v_j - h|^2}, K values
 * @param floorCorrections {@code C_k = sum_{j in k} c_j} with {@code c_j = (1 - |u_j|^2) / 2}, exactly 0 for every row
 *                         whose norm is at least the floor; {@code COSINE} only (zeros otherwise), K values
 */
public record ClassTable(int classCount, int dims, double[] shift, int[] classOffsets, double[] sums,
                         double[] squaredNorms, double[] floorCorrections) {

    /** Lengths are checked, values are not. */
    public ClassTable {
        if (classCount < 1 || dims < 1 || shift.length != dims || classOffsets.length != classCount + 1
                || sums.length != (long) classCount * dims || squaredNorms.length != classCount
                || floorCorrections.length != classCount) {
            throw new IllegalArgumentException("inconsistent class table: classes=" + classCount + " dims=" + dims);
        }
    }

    /** n_k. */
    public int classSize(int k) {
        return classOffsets[k + 1] - classOffsets[k];
    }
}
