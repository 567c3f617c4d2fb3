package dev.softsilhouette.cuda.engine.sgemm;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.ColumnStatistics;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.LaunchGrid;
import dev.softsilhouette.cuda.engine.OneClassBatch;
import dev.softsilhouette.cuda.engine.Operands;
import dev.softsilhouette.cuda.engine.PowerOfTwoScale;
import dev.softsilhouette.cuda.engine.ResidentEmbeddings;
import dev.softsilhouette.cuda.engine.RowSilhouettes;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.SortedSilhouettes;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedLabels;

import java.lang.foreign.MemorySegment;

/**
 * The SGEMM strategy of the GPU engine (both bindings run it where the shape rule picks it), on any {@link SgemmPort}. Rows
 * are gathered on the device in class order (SPEC 6), centred and scaled by a power of two chosen from the column
 * spreads computed on the device (both leave every silhouette unchanged and are undone exactly in the gradient),
 * then:
 * <ul>
 *   <li>{@code EUCLIDEAN}: Gram blocks {@code Z_I Z_J^T} by cuBLAS SGEMM, within the {@link GramChunkPlan} budget;
 *       distances and per-class sums by {@code ffm_euclidean.cu} (near pairs, where the expanded form cancels,
 *       recomputed directly from the rows); the backward recomputes each block, turns it into
 *       the coefficient block {@code C_ij = (coef[i][y_j] + coef[j][y_i]) / d_ij} and accumulates
 *       {@code grad = diag(rowsum C) Z - C Z} (the product an SGEMM);</li>
 *   <li>{@code SQUARED_EUCLIDEAN}, {@code COSINE}: class means and scatters in double, {@code <z_i, m_k>} by SGEMM,
 *       the own-class term computed directly (no cancellation), and the backward as two SGEMMs
 *       ({@code (coef n) M} and {@code coef^T Z}) plus one elementwise kernel. COSINE runs on the centred unit rows
 *       ({@code 1 - <u_i, u_j> = ||u_i - u_j||^2 / 2} plus the floor correction), so that 1 - cos stays resolved
 *       in float far from the origin, where the unit rows nearly coincide.</li>
 * </ul>
 * The per-row softmin and silhouette (O(N K), in double) run on the device with the shared
 * {@code row_silhouettes} kernel, the class sums turned into coefficients in place; what crosses per call is X and
 * the label tables up, and N silhouettes (and the gradient) down, all through page-locked memory. Outputs are
 * written only after every device step has succeeded. A GPU-resident call ({@link #runResident}) moves neither X nor
 * the gradient: the kernels read the caller's X and the last gradient kernel writes the caller's gradient (see
 * {@link ResidentEmbeddings} for the ordering and the finiteness check).
 */
public final class SgemmStrategy {
    private static final int THREADS = 256;
    /** Block size of the block-per-row kernels; must equal FFM_BLOCK in the .cu files. */
    public static final int ROW_BLOCK = 128;
    private static final int METRIC_SQUARED_EUCLIDEAN = 1;
    private static final int METRIC_COSINE = 2;

    private SgemmStrategy() {
    }

    /**
     * The whole call on {@code ws}'s stream, EUCLIDEAN Gram blocks within {@code gramBudget} bytes
     * ({@link GramChunkPlan}). A failure after work was queued waits for that work before it is thrown
     * ({@link DevicePort#drainAfter}), so that the next call's growth of a buffer never frees memory a kernel or copy
     * still uses. Arguments as {@code SilhouetteBackend.silhouettesAndGradient}.
     *
     * @return {@code sum_i s_i}
     */
    public static double run(SgemmWorkspace ws, long gramBudget, PreparedBatch batch, Metric metric, double tau,
                             double weight, MemorySegment rowWeights, MemorySegment silhouettesOut,
                             MemorySegment gradientOut) {
        return run(ws, gramBudget, batch, Operands.host(batch, gradientOut), metric, tau, weight, rowWeights,
                silhouettesOut);
    }

    /**
     * The same call on embeddings in the caller's GPU memory ({@link ResidentEmbeddings}): X is read where it is,
     * the gradient written to {@code gradientOut} (a device address; 0 for none) by the last kernel, after the
     * finiteness check passed. Arguments as {@code DeviceResidentBackend.silhouettesAndGradientOnDevice}.
     *
     * @return {@code sum_i s_i}
     */
    public static double runResident(SgemmWorkspace ws, long gramBudget, DeviceBatch batch, Metric metric,
                                     double tau, double weight, MemorySegment silhouettesOut, long gradientOut) {
        return run(ws, gramBudget, batch, Operands.resident(batch, gradientOut), metric, tau, weight, null,
                silhouettesOut);
    }

    private static double run(SgemmWorkspace ws, long gramBudget, PreparedLabels batch, Operands io, Metric metric,
                              double tau, double weight, MemorySegment rowWeights, MemorySegment silhouettesOut) {
        try {
            return compute(ws, gramBudget, batch, io, metric, tau, weight, rowWeights, silhouettesOut);
        } catch (RuntimeException | Error e) {
            DevicePort.drainAfter(ws.port, e);
            throw e;
        }
    }

    private static double compute(SgemmWorkspace ws, long gramBudget, PreparedLabels batch, Operands io,
                                  Metric metric, double tau, double weight, MemorySegment rowWeights,
                                  MemorySegment silhouettesOut) {
        int n = batch.rows();
        int d = batch.dims();
        int k = batch.classCount();
        ws.port.makeCurrent();
        boolean gradient = io.gradient();
        boolean resident = io.resident();
        int[] sorted = batch.sortedRows();
        int[] offsets = batch.classOffsets();
        long nd = (long) n * d;
        long nk = (long) n * k;

        if (resident) { // the verdict on X before anything else is queued
            ResidentEmbeddings.begin(ws.port, ws.args(), (DeviceBatch) batch,
                    ws.device(SgemmWorkspace.Device.FLAG, ResidentEmbeddings.FLAG_BYTES),
                    ws.host(SgemmWorkspace.Host.FLAG, ResidentEmbeddings.FLAG_BYTES), 0);
            if (OneClassBatch.applies(k)) {
                return ResidentEmbeddings.oneClass(ws.port, io, n, d, silhouettesOut);
            }
        }

        // Inputs, staged in page-locked memory: X (unless resident), the class order, labels in that order,
        // boundaries.
        double scale = 1.0;
        long dX;
        if (resident) {
            dX = io.deviceEmbeddings();
        } else {
            MemorySegment x = ws.host(SgemmWorkspace.Host.X, nd * Float.BYTES);
            MemorySegment.copy(io.hostEmbeddings(), 0, x, 0, nd * Float.BYTES);
            dX = ws.device(SgemmWorkspace.Device.X, nd * Float.BYTES);
            ws.port.copyToDevice(dX, x, nd * Float.BYTES);
        }
        long dOrder = ws.uploadInts(SgemmWorkspace.Host.ORDER, SgemmWorkspace.Device.ORDER, sorted, n);
        int[] labels = batch.labels();
        MemorySegment labelStaging = ws.host(SgemmWorkspace.Host.LABELS, (long) n * Integer.BYTES);
        for (int p = 0; p < n; p++) {
            labelStaging.setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, p, labels[sorted[p]]);
        }
        long dLabels = ws.device(SgemmWorkspace.Device.LABELS, (long) n * Integer.BYTES);
        ws.port.copyToDevice(dLabels, labelStaging, (long) n * Integer.BYTES);
        long dOffsets = ws.uploadInts(SgemmWorkspace.Host.OFFSETS, SgemmWorkspace.Device.OFFSETS, offsets, k + 1);

        // Z: class-sorted rows; centred and scaled (Euclidean metrics) or normalised (cosine).
        long dZ = ws.device(SgemmWorkspace.Device.Z, nd * Float.BYTES);
        long dNorms = 0;
        long dRowCorrection = 0;
        long dMean = ws.device(SgemmWorkspace.Device.COLUMN_MEAN, (long) d * Double.BYTES);
        if (metric == Metric.COSINE) {
            // Unit rows (their norms and floor corrections), the mean of the unit rows, then the centred unit rows
            // from X again in double. Unit rows are bounded by 1, so no scaling is needed (scale stays 1).
            ws.args().ptr(dX).ptr(dOrder).ptr(0L).ptr(0L).f64(1.0).i32(n).i32(d).ptr(dZ)
                    .launch(SgemmKernel.GATHER_ROWS.symbol, LaunchGrid.strideBlocks(nd, THREADS), THREADS);
            dNorms = ws.device(SgemmWorkspace.Device.NORMS, (long) n * Double.BYTES);
            dRowCorrection = ws.device(SgemmWorkspace.Device.ROW_CORRECTION, (long) n * Double.BYTES);
            ws.args().ptr(dZ).i32(n).i32(d).f64(Metric.COSINE_NORM_FLOOR).ptr(dNorms).ptr(dRowCorrection)
                    .launch(SgemmKernel.NORMALIZE_ROWS.symbol, n, ROW_BLOCK);
            columnStatistics(ws, dZ, n, d, dMean);
            ws.args().ptr(dX).ptr(dOrder).ptr(dNorms).ptr(dMean).f64(1.0).i32(n).i32(d).ptr(dZ)
                    .launch(SgemmKernel.GATHER_ROWS.symbol, LaunchGrid.strideBlocks(nd, THREADS), THREADS);
        } else {
            // Conditioning on the device (the cuda backend's kernels): column means, and the D spreads that come back
            // for the power of two bringing the centred values into [1, 2).
            long dSpread = columnStatistics(ws, dX, n, d, dMean);
            scale = ColumnStatistics.scale(ws.port, dSpread, ws.host(SgemmWorkspace.Host.SPREAD, (long) d * Double.BYTES), d);
            ws.args().ptr(dX).ptr(dOrder).ptr(0L).ptr(dMean).f64(scale).i32(n).i32(d).ptr(dZ)
                    .launch(SgemmKernel.GATHER_ROWS.symbol, LaunchGrid.strideBlocks(nd, THREADS), THREADS);
        }

        // Class sums of distances, sums[p][c] in class-sorted row order.
        long dSums = ws.device(SgemmWorkspace.Device.SUMS, nk * Double.BYTES);
        long dRowSq = ws.device(SgemmWorkspace.Device.ROW_SQ, (long) n * Double.BYTES);
        GramChunkPlan plan = null;
        SegmentPlan segments = null;
        long dSegments = 0;
        long dMeanD = 0;
        long dMeanF = 0;
        if (metric == Metric.EUCLIDEAN) {
            ws.args().ptr(dZ).ptr(dLabels).ptr(0L).i32(n).i32(d).ptr(dRowSq).ptr(0L)
                    .launch(SgemmKernel.ROW_TERMS.symbol, n, ROW_BLOCK);
            plan = GramChunkPlan.plan(n, gramBudget);
            segments = SegmentPlan.of(plan, offsets);
            dSegments = ws.uploadInts(SgemmWorkspace.Host.SEGMENTS, SgemmWorkspace.Device.SEGMENTS, segments.table(),
                    segments.table().length);
            ws.port.zero(dSums, nk * Double.BYTES);
            euclideanSums(ws, plan, segments, dZ, dRowSq, dSegments, dSums, d, k);
        } else {
            dMeanD = ws.device(SgemmWorkspace.Device.CLASS_MEAN_D, (long) k * d * Double.BYTES);
            dMeanF = ws.device(SgemmWorkspace.Device.CLASS_MEAN_F, (long) k * d * Float.BYTES);
            long dRowOwn = ws.device(SgemmWorkspace.Device.ROW_OWN, (long) n * Double.BYTES);
            long dClassSq = ws.device(SgemmWorkspace.Device.CLASS_SQ, (long) k * Double.BYTES);
            long dScatter = ws.device(SgemmWorkspace.Device.CLASS_SCATTER, (long) k * Double.BYTES);
            long dClassCorrection = metric == Metric.COSINE
                    ? ws.device(SgemmWorkspace.Device.CLASS_CORRECTION, (long) k * Double.BYTES) : 0L;
            long dDot = ws.device(SgemmWorkspace.Device.DOT, nk * Float.BYTES);
            ws.args().ptr(dZ).ptr(dOffsets).i32(k).i32(d).ptr(dMeanD).ptr(dMeanF)
                    .launch(SgemmKernel.CLASS_MEANS.symbol, LaunchGrid.strideBlocks((long) k * d, THREADS), THREADS);
            ws.args().ptr(dZ).ptr(dLabels).ptr(dMeanD).i32(n).i32(d).ptr(dRowSq).ptr(dRowOwn)
                    .launch(SgemmKernel.ROW_TERMS.symbol, n, ROW_BLOCK);
            ws.args().ptr(dMeanD).ptr(dRowOwn).ptr(dRowCorrection).ptr(dOffsets).i32(k).i32(d).ptr(dClassSq)
                    .ptr(dScatter).ptr(dClassCorrection)
                    .launch(SgemmKernel.CLASS_TERMS.symbol, k, ROW_BLOCK);
            // dot (row-major N x K) = Z M^T: column-major K x N = M^T(KxD) Z(DxN), i.e. op(A)=T on M (D x K).
            ws.port.sgemm(true, false, k, n, d,
                    1f, dMeanF, d, dZ, d, 0f, dDot, k);
            ws.args().ptr(dDot).ptr(dZ).ptr(dMeanD).i32(d).ptr(dRowSq).ptr(dRowOwn).ptr(dClassSq).ptr(dScatter).ptr(dRowCorrection)
                    .ptr(dClassCorrection).ptr(dLabels).ptr(dOffsets)
                    .i32(n).i32(k).i32(metric == Metric.COSINE ? METRIC_COSINE : METRIC_SQUARED_EUCLIDEAN).ptr(dSums)
                    .launch(SgemmKernel.CLASS_STAT_SUMS.symbol, LaunchGrid.strideBlocks(nk, THREADS), THREADS);
        }
        // Per row, on the device (row_silhouettes: the cuda backend's kernel, the arithmetic of SilhouetteMath): s_p
        // in class-sorted order and, for the gradient, coef[p][c] = -w_p ds_p/d sums[p][c] in place of the sums.
        // sums are in scaled units: scaling tau the same way keeps the softmin weights exp(-delta/tau).
        double scaledTau = PowerOfTwoScale.tau(metric, tau, scale);
        long dRowWeights = 0L;
        if (gradient && rowWeights != null) {
            MemorySegment weights = ws.host(SgemmWorkspace.Host.ROW_WEIGHTS, (long) n * Float.BYTES);
            MemorySegment.copy(rowWeights, 0, weights, 0, (long) n * Float.BYTES);
            dRowWeights = ws.device(SgemmWorkspace.Device.ROW_WEIGHTS, (long) n * Float.BYTES);
            ws.port.copyToDevice(dRowWeights, weights, (long) n * Float.BYTES);
        }
        long dSilhouettes = ws.device(SgemmWorkspace.Device.SILHOUETTES, (long) n * Double.BYTES);
        RowSilhouettes.launch(ws.args(), dSums, dLabels, dOffsets, dOrder, dRowWeights, scaledTau, weight, gradient, n,
                k, dSilhouettes);
        MemorySegment silhouettes = ws.host(SgemmWorkspace.Host.SILHOUETTES, (long) n * Double.BYTES);
        ws.port.copyToHost(silhouettes, dSilhouettes, (long) n * Double.BYTES);

        MemorySegment gradStaging = null;
        if (gradient) {
            long dGrad = resident ? io.deviceGradient() : ws.device(SgemmWorkspace.Device.GRAD, nd * Float.BYTES);
            long dCoef = dSums;
            if (metric == Metric.EUCLIDEAN) {
                euclideanGradient(ws, plan, dZ, dRowSq, dLabels, dCoef, dOrder, dGrad, n, d, k, scale);
            } else {
                classStatGradient(ws, metric, dCoef, dOffsets, dZ, dMeanF, dLabels, dOrder, dNorms, dMean, dGrad, n,
                        d, k, scale);
            }
            if (!resident) {
                gradStaging = ws.host(SgemmWorkspace.Host.GRAD, nd * Float.BYTES);
                ws.port.copyToHost(gradStaging, dGrad, nd * Float.BYTES);
            }
        }
        if (resident) {
            ws.port.signal(io.stream()); // the caller's stream runs on after the gradient's writes
        }
        ws.port.synchronize();

        // Everything succeeded: now, and only now, the caller's buffers are written.
        double total = SortedSilhouettes.writeBack(silhouettes, batch.sortedPositions(), silhouettesOut);
        if (gradStaging != null) {
            MemorySegment.copy(gradStaging, 0, io.hostGradient(), 0, nd * Float.BYTES);
        }
        return total;
    }

    /**
     * The conditioning kernels (silhouette_rows.cu, the engine's {@link ColumnStatistics}) over the rows of
     * {@code rows} (N x D floats): the column means into {@code dMean}; returns the device address of the D spreads.
     */
    private static long columnStatistics(SgemmWorkspace ws, long rows, int n, int d, long dMean) {
        long dSpread = ws.device(SgemmWorkspace.Device.SPREAD, (long) d * Double.BYTES);
        ColumnStatistics.launch(ws.args(), rows, 0L, n, d,
                ws.device(SgemmWorkspace.Device.COLUMN_PARTIALS, ColumnStatistics.partialBytes(n, d)), dMean, dSpread);
        return dSpread;
    }

    /** Forward EUCLIDEAN: for every block pair, a Gram SGEMM, segment sums, and their per-class reduction. */
    private static void euclideanSums(SgemmWorkspace ws, GramChunkPlan plan, SegmentPlan segments, long dZ, long dRowSq,
                               long dSegments, long dSums, int d, int k) {
        long dGram = ws.device(SgemmWorkspace.Device.GRAM, plan.gramBytes());
        long dPartial = ws.device(SgemmWorkspace.Device.PARTIAL,
                (long) plan.blockSize() * Math.max(1, segments.maxSegmentCount()) * Double.BYTES);
        int blocks = plan.blockCount();
        for (int bi = 0; bi < blocks; bi++) {
            int i0 = plan.blockStart(bi);
            int rowsI = plan.blockLength(bi);
            for (int bj = 0; bj < blocks; bj++) {
                int j0 = plan.blockStart(bj);
                int colsJ = plan.blockLength(bj);
                gram(ws, dZ, dGram, i0, rowsI, j0, colsJ, d);
                int segCount = segments.segmentCount(bj);
                ws.args().ptr(dGram).i32(rowsI).i32(colsJ).i32(i0).i32(j0).ptr(dZ).i32(d).ptr(dRowSq)
                        .ptr(dSegments + (long) segments.segmentStartIndex(bj) * Integer.BYTES)
                        .ptr(dSegments + (long) segments.segmentEndIndex(bj) * Integer.BYTES)
                        .i32(segCount).ptr(dPartial)
                        .launch(SgemmKernel.BLOCK_SEGMENT_SUMS.symbol, LaunchGrid.strideBlocks((long) rowsI * segCount, THREADS),
                                THREADS);
                int classCount = segments.classCount(bj);
                ws.args().ptr(dPartial).i32(rowsI).i32(segCount)
                        .ptr(dSegments + (long) segments.classSegmentFirstIndex(bj) * Integer.BYTES)
                        .i32(segments.classFirst(bj)).i32(classCount).i32(k).i32(i0).ptr(dSums)
                        .launch(SgemmKernel.REDUCE_SEGMENTS.symbol, LaunchGrid.strideBlocks((long) rowsI * classCount, THREADS),
                                THREADS);
            }
        }
    }

    /**
     * gram (row-major rowsI x colsJ, row stride colsJ) = Z_I Z_J^T. Column-major that is the colsJ x rowsI matrix
     * Z_J^T Z_I, with Z viewed column-major as D x N (leading dimension D).
     */
    private static void gram(SgemmWorkspace ws, long dZ, long dGram, int i0, int rowsI, int j0, int colsJ, int d) {
        ws.port.sgemm(true, false, colsJ, rowsI, d,
                1f, dZ + (long) j0 * d * Float.BYTES, d, dZ + (long) i0 * d * Float.BYTES, d,
                0f, dGram, colsJ);
    }

    /** Backward EUCLIDEAN: grad_i = sum_j C_ij (z_i - z_j) = rowsum(C)_i z_i - (C Z)_i, block by block. */
    private static void euclideanGradient(SgemmWorkspace ws, GramChunkPlan plan, long dZ, long dRowSq, long dLabels, long dCoef,
                                   long dOrder, long dGrad, int n, int d, int k, double scale) {
        long nd = (long) n * d;
        long dGram = ws.device(SgemmWorkspace.Device.GRAM, plan.gramBytes());
        long dRowSums = ws.device(SgemmWorkspace.Device.ROW_SUMS, (long) n * Double.BYTES);
        long dNegCz = ws.device(SgemmWorkspace.Device.NEG_CZ, nd * Float.BYTES);
        ws.port.zero(dRowSums, (long) n * Double.BYTES);
        int blocks = plan.blockCount();
        for (int bi = 0; bi < blocks; bi++) {
            int i0 = plan.blockStart(bi);
            int rowsI = plan.blockLength(bi);
            for (int bj = 0; bj < blocks; bj++) {
                int j0 = plan.blockStart(bj);
                int colsJ = plan.blockLength(bj);
                gram(ws, dZ, dGram, i0, rowsI, j0, colsJ, d);
                ws.args().ptr(dGram).i32(rowsI).i32(colsJ).i32(i0).i32(j0).ptr(dZ).i32(d).ptr(dRowSq).ptr(dLabels).ptr(dCoef)
                        .i32(k)
                        .launch(SgemmKernel.DISTANCE_COEFFICIENTS.symbol,
                                LaunchGrid.strideBlocks((long) rowsI * colsJ, THREADS), THREADS);
                ws.args().ptr(dGram).i32(rowsI).i32(colsJ).i32(i0).ptr(dRowSums)
                        .launch(SgemmKernel.COEFFICIENT_ROW_SUMS.symbol, rowsI, ROW_BLOCK);
                // negCz_I (row-major rowsI x D) -= C (rowsI x colsJ) Z_J. Column-major: D x rowsI
                // = Z_J^T-view (D x colsJ, ld D) times C-view (colsJ x rowsI, ld colsJ), no transposes.
                ws.port.sgemm(false, false, d, rowsI, colsJ,
                        -1f, dZ + (long) j0 * d * Float.BYTES, d, dGram, colsJ,
                        bj == 0 ? 0f : 1f, dNegCz + (long) i0 * d * Float.BYTES, d);
            }
        }
        ws.args().ptr(dZ).ptr(dNegCz).ptr(dRowSums).ptr(dOrder).i32(n).i32(d).f64(scale).ptr(dGrad)
                .launch(SgemmKernel.EUCLIDEAN_GRADIENT.symbol, LaunchGrid.strideBlocks(nd, THREADS), THREADS);
    }

    /**
     * Backward SQUARED_EUCLIDEAN and COSINE through the class statistics: the operands from coef on the device
     * (ffm_coefficient_class_sums, ffm_coefficient_operands), R = (coef n) M and T = coef^T Z by SGEMM, then one
     * kernel per metric (see ffm_prepare.cu).
     */
    private static void classStatGradient(SgemmWorkspace ws, Metric metric, long dCoef, long dOffsets, long dZ, long dMeanF,
                                   long dLabels, long dOrder, long dNorms, long dUnitMean, long dGrad, int n, int d,
                                   int k, double scale) {
        long nk = (long) n * k;
        long dClassCoefSums = ws.device(SgemmWorkspace.Device.CLASS_COEF_SUMS, (long) k * Double.BYTES);
        long dCoefF = ws.device(SgemmWorkspace.Device.COEF_F, nk * Float.BYTES);
        long dScaledF = ws.device(SgemmWorkspace.Device.SCALED_COEF_F, nk * Float.BYTES);
        long dRowScale = ws.device(SgemmWorkspace.Device.ROW_SCALE, (long) n * Double.BYTES);
        long dOwnCoef = ws.device(SgemmWorkspace.Device.OWN_COEF, (long) n * Double.BYTES);
        ws.args().ptr(dCoef).i32(n).i32(k).ptr(dClassCoefSums)
                .launch(SgemmKernel.COEFFICIENT_CLASS_SUMS.symbol, LaunchGrid.blocksFor(k, ROW_BLOCK), ROW_BLOCK);
        ws.args().ptr(dCoef).ptr(dClassCoefSums).ptr(dLabels).ptr(dOffsets).i32(n).i32(k).ptr(dCoefF).ptr(dScaledF)
                .ptr(dRowScale).ptr(dOwnCoef)
                .launch(SgemmKernel.COEFFICIENT_OPERANDS.symbol, LaunchGrid.blocksFor(n, ROW_BLOCK), ROW_BLOCK);
        long dR = ws.device(SgemmWorkspace.Device.R, (long) n * d * Float.BYTES);
        long dT = ws.device(SgemmWorkspace.Device.T, (long) k * d * Float.BYTES);
        // R (row-major N x D) = (coef n)(N x K) M (K x D). Column-major D x N = M-view (D x K, ld D) times
        // (coef n)-view (K x N, ld K).
        ws.port.sgemm(false, false, d, n, k,
                1f, dMeanF, d, dScaledF, k, 0f, dR, d);
        // T (row-major K x D) = coef^T (K x N) Z (N x D). Column-major D x K = Z-view (D x N, ld D) times
        // (coef-view K x N, ld K)^T.
        ws.port.sgemm(false, true, d, k, n,
                1f, dZ, d, dCoefF, k, 0f, dT, d);
        if (metric == Metric.SQUARED_EUCLIDEAN) {
            ws.args().ptr(dZ).ptr(dR).ptr(dT).ptr(dRowScale).ptr(dLabels).ptr(dOrder).i32(n).i32(d).f64(scale)
                    .ptr(dGrad)
                    .launch(SgemmKernel.SQUARED_EUCLIDEAN_GRADIENT.symbol, LaunchGrid.strideBlocks((long) n * d, THREADS),
                            THREADS);
        } else {
            ws.args().ptr(dZ).ptr(dR).ptr(dT).ptr(dOwnCoef).ptr(dRowScale).ptr(dUnitMean).ptr(dNorms).ptr(dLabels)
                    .ptr(dOrder).i32(n).i32(d)
                    .ptr(dGrad)
                    .launch(SgemmKernel.COSINE_GRADIENT.symbol, n, ROW_BLOCK);
        }
    }
}
