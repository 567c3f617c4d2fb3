package dev.softsilhouette.cuda.engine;

/**
 * The per-row step both backends run on the device: {@code row_silhouettes} of {@code silhouette_rows.cu}, the
 * arithmetic of {@code SilhouetteMath.rowSilhouette} in double, one thread per class-sorted row.
 */
public final class RowSilhouettes {
    /** Threads per block (one row each). */
    public static final int THREADS = 128;

    private RowSilhouettes() {
    }

    /**
     * Queues {@code row_silhouettes}: s_p of every class-sorted row into {@code silhouettes} (N doubles) and, when
     * {@code gradient}, the coefficients {@code coef[p][c] = -w_p ds_p / d sums[p][c]} written over {@code sums}.
     *
     * @param sums        N x K per-class distance sums (doubles, class-sorted rows), in the device's units
     * @param sortedLabels each class-sorted row's class; {@code classOffsets} K + 1 class boundaries;
     *                    {@code sortedRows} each class-sorted row's caller row (ints on the device)
     * @param rowWeights  N floats in the caller's row order, or 0 for none
     * @param tau         the temperature in the sums' units ({@link PowerOfTwoScale#tau})
     * @param weight      w_i's common factor (1/N for a mean)
     */
    public static void launch(KernelArguments args, long sums, long sortedLabels, long classOffsets, long sortedRows,
                              long rowWeights, double tau, double weight, boolean gradient, int n, int k,
                              long silhouettes) {
        args.clear().ptr(sums).ptr(sortedLabels).ptr(classOffsets).ptr(sortedRows).ptr(rowWeights)
                .i32(rowWeights == 0L ? 0 : 1).f64(tau).f64(weight).i32(gradient ? 1 : 0).i32(n).i32(k)
                .ptr(silhouettes)
                .launch("row_silhouettes", LaunchGrid.blocksFor(n, THREADS), THREADS);
    }
}
