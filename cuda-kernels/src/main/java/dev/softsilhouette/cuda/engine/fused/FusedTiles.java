package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.ColumnStatistics;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.LaunchGrid;
import dev.softsilhouette.cuda.engine.OneClassBatch;
import dev.softsilhouette.cuda.engine.Operands;
import dev.softsilhouette.cuda.engine.PowerOfTwoScale;
import dev.softsilhouette.cuda.engine.ResidentEmbeddings;
import dev.softsilhouette.cuda.engine.RowSilhouettes;
import dev.softsilhouette.cuda.engine.SortedSilhouettes;
import dev.softsilhouette.cuda.engine.fused.WorkspaceLayout.Device;
import dev.softsilhouette.cuda.engine.fused.WorkspaceLayout.Host;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedLabels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.softsilhouette.cuda.engine.fused.LaunchGeometry.BLOCK_THREADS;
import static dev.softsilhouette.cuda.engine.fused.LaunchGeometry.GEMM_TILE;
import static dev.softsilhouette.cuda.engine.fused.LaunchGeometry.ROW_THREADS;

/**
 * The fused-kernel strategy of the GPU engine, on any {@link DevicePort} (either binding's stream port on a GPU, where
 * the shape rule picks it; test doubles replay it without one). Per call: the host stages the embeddings, label tables and plan in pinned
 * memory and uploads them; the device computes the column means and spreads (the host picks a power-of-two scale
 * from the D spreads that come back), gathers the rows into class order and prepares them, computes the per-class
 * distance sums (fused Gram tiles for EUCLIDEAN, {@code euclidean_fused.cu}; class statistics otherwise,
 * {@code class_statistics.cu}), the per-row silhouettes and coefficients in double, and the gradient; the results
 * come back to pinned memory and are copied to the caller's buffers only after the stream has finished without
 * error. No GEMM library: every kernel is this module's. A GPU-resident call ({@link #runResident}) skips the copies
 * of X and of the gradient: the kernels read the caller's X and {@code scatter_gradient} writes the caller's gradient
 * (see {@link ResidentEmbeddings} for the ordering and the finiteness check).
 */
public final class FusedTiles {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private FusedTiles() {
    }

    /**
     * The whole call on {@code w}'s stream (its port's device made current first). A failure after work was
     * queued waits for that work before it is thrown ({@link DevicePort#drainAfter}), so that the next call's
     * {@code reserve} never frees memory a kernel or copy still uses. Arguments as
     * {@code SilhouetteBackend.silhouettesAndGradient}.
     *
     * @return {@code sum_i s_i}
     */
    public static double run(FusedWorkspace w, PreparedBatch batch, Metric metric, double tau, double weight,
                      MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut) {
        return run(w, batch, Operands.host(batch, gradientOut), metric, tau, weight, rowWeights, silhouettesOut);
    }

    /**
     * The same call on embeddings in the caller's GPU memory ({@link ResidentEmbeddings}): X is read where it is,
     * the gradient written to {@code gradientOut} (a device address; 0 for none) by the last kernel, after the
     * finiteness check passed. Arguments as {@code DeviceResidentBackend.silhouettesAndGradientOnDevice}.
     *
     * @return {@code sum_i s_i}
     */
    public static double runResident(FusedWorkspace w, DeviceBatch batch, Metric metric, double tau, double weight,
                                     MemorySegment silhouettesOut, long gradientOut) {
        return run(w, batch, Operands.resident(batch, gradientOut), metric, tau, weight, null, silhouettesOut);
    }

    private static double run(FusedWorkspace w, PreparedLabels batch, Operands io, Metric metric, double tau,
                              double weight, MemorySegment rowWeights, MemorySegment silhouettesOut) {
        try {
            return queueAndFinish(w, batch, io, metric, tau, weight, rowWeights, silhouettesOut);
        } catch (RuntimeException | Error e) {
            DevicePort.drainAfter(w.port(), e);
            throw e;
        }
    }

    private static double queueAndFinish(FusedWorkspace w, PreparedLabels batch, Operands io, Metric metric,
                                         double tau, double weight, MemorySegment rowWeights,
                                         MemorySegment silhouettesOut) {
        w.port().makeCurrent();
        int n = batch.rows();
        int d = batch.dims();
        int k = batch.classCount();
        boolean gradient = io.gradient();
        boolean resident = io.resident();
        if (resident && OneClassBatch.applies(k)) {
            w.reserve(ResidentEmbeddings.FLAG_BYTES, ResidentEmbeddings.FLAG_BYTES);
            ResidentEmbeddings.begin(w.port(), w.args(), (DeviceBatch) batch, w.device(0), w.host(), 0);
            return ResidentEmbeddings.oneClass(w.port(), io, n, d, silhouettesOut);
        }
        boolean euclidean = metric == Metric.EUCLIDEAN;
        int[] offsets = batch.classOffsets();
        EuclideanTilePlan plan = null;
        if (euclidean) {
            plan = w.cachedPlan();
            if (plan == null || !plan.matches(n, offsets)) {
                plan = EuclideanTilePlan.of(n, offsets);
                w.cachePlan(plan);
            }
        }
        WorkspaceLayout layout = WorkspaceLayout.of(n, d, k, euclidean, gradient, plan, resident);
        w.reserve(layout.deviceBytes(), layout.hostBytes());
        MemorySegment host = w.host();
        if (resident) { // the verdict on X before anything else is queued
            ResidentEmbeddings.begin(w.port(), w.args(), (DeviceBatch) batch, w.device(layout.offset(Device.FLAG)),
                    host, layout.offset(Host.FLAG));
        }

        // Stage: embeddings (unless resident), int tables, row weights.
        long nd = (long) n * d;
        if (!resident) {
            MemorySegment x = host.asSlice(layout.offset(Host.X), nd * Float.BYTES);
            MemorySegment.copy(io.hostEmbeddings(), 0, x, 0, nd * Float.BYTES);
        }
        stageInts(host.asSlice(layout.offset(Host.INTS), layout.bytes(Host.INTS)), layout.ints(), batch, plan);
        if (gradient && rowWeights != null) {
            MemorySegment weights = host.asSlice(layout.offset(Host.ROW_WEIGHTS), (long) n * Float.BYTES);
            MemorySegment.copy(rowWeights, 0, weights, 0, (long) n * Float.BYTES);
        }
        w.upload(layout.offset(Device.X), layout.offset(Host.X), layout.bytes(Host.X)); // nothing when resident
        w.upload(layout.offset(Device.INTS), layout.offset(Host.INTS), layout.bytes(Host.INTS));
        if (gradient && rowWeights != null) {
            w.upload(layout.offset(Device.ROW_WEIGHTS), layout.offset(Host.ROW_WEIGHTS), layout.bytes(Host.ROW_WEIGHTS));
        }
        long xAddress = resident ? io.deviceEmbeddings() : w.device(layout.offset(Device.X));
        double scale = condition(w, layout, xAddress, metric == Metric.COSINE, n, d);

        WorkspaceLayout.IntTable t = layout.ints();
        long ints = w.device(layout.offset(Device.INTS));
        long sortedRows = ints + (long) t.sortedRows() * Integer.BYTES;
        long sortedLabels = ints + (long) t.sortedLabels() * Integer.BYTES;
        long classOffsets = ints + (long) t.classOffsets() * Integer.BYTES;
        long z = w.device(layout.offset(Device.Z));
        long selfDot = w.device(layout.offset(Device.SELF_DOT));
        long rowNorm = w.device(layout.offset(Device.ROW_NORM));
        long rowExcess = w.device(layout.offset(Device.ROW_EXCESS));
        long sums = w.device(layout.offset(Device.SUMS));
        long silhouettes = w.device(layout.offset(Device.SILHOUETTES));

        w.args().ptr(xAddress).ptr(sortedRows).ptr(w.device(layout.offset(Device.MEAN)))
                .f64(scale).i32(metric == Metric.COSINE ? 1 : 0).i32(n).i32(d).ptr(z).ptr(selfDot).ptr(rowNorm)
                .ptr(rowExcess).launch("prepare_rows", n, 1, BLOCK_THREADS, 1);

        if (euclidean) {
            euclideanSums(w, layout, plan, n, d, k, z, selfDot, sortedLabels, classOffsets, sums);
        } else {
            classStatisticSums(w, layout, metric, scale, n, d, k, z, selfDot, rowExcess, sortedLabels, classOffsets,
                    sums);
        }

        // The device's distances are in prepared units: tau moves to them (the softmin is not scale invariant).
        double deviceTau = PowerOfTwoScale.tau(metric, tau, scale);
        RowSilhouettes.launch(w.args(), sums, sortedLabels, classOffsets, sortedRows,
                rowWeights == null ? 0L : w.device(layout.offset(Device.ROW_WEIGHTS)), deviceTau, weight, gradient, n,
                k, silhouettes);

        if (gradient) {
            long acc = w.device(layout.offset(Device.GRADIENT_ACC));
            if (euclidean) {
                euclideanGradient(w, plan, n, d, k, z, selfDot, sortedLabels, sums, acc, layout);
            } else {
                classStatisticGradient(w, layout, metric, scale, n, d, k, z, rowNorm, sortedLabels, classOffsets, sums,
                        acc);
            }
            long grad = resident ? io.deviceGradient() : w.device(layout.offset(Device.GRADIENT));
            // d/dx = scale * d/dz for the Euclidean metrics; the COSINE gradient is already in the caller's units.
            double gradientScale = metric == Metric.COSINE ? 1.0 : scale;
            w.args().ptr(acc).i32(layout.gradientSlabs()).ptr(sortedRows).f64(gradientScale).i32(n).i32(d).ptr(grad)
                    .launch("scatter_gradient", n, 1, BLOCK_THREADS, 1);
            w.download(layout.offset(Host.GRADIENT), layout.offset(Device.GRADIENT), layout.bytes(Host.GRADIENT));
        }
        w.download(layout.offset(Host.SILHOUETTES), layout.offset(Device.SILHOUETTES), layout.bytes(Host.SILHOUETTES));
        if (resident) {
            w.port().signal(io.stream()); // the caller's stream runs on after the gradient's writes
        }
        w.synchronize(); // any asynchronous kernel failure surfaces here, before a caller's host buffer is touched

        // Success: only now write the caller's buffers.
        double total = SortedSilhouettes.writeBack(
                host.asSlice(layout.offset(Host.SILHOUETTES), (long) n * Double.BYTES), batch.sortedPositions(),
                silhouettesOut);
        if (gradient && !resident) {
            MemorySegment.copy(host, layout.offset(Host.GRADIENT), io.hostGradient(), 0, nd * Float.BYTES);
        }
        return total;
    }

    /**
     * Conditioning on the device: the column means of the rows (COSINE: of the unit rows) into {@code Device.MEAN},
     * and each column's largest distance from its mean, which comes back (D doubles, one synchronisation) for the
     * power of two that brings the centred values into [1, 2). Both Euclidean distances are translation invariant
     * and the silhouette is scale invariant, so the device works on well-conditioned numbers whatever the input's
     * offset or magnitude (far from the origin, 1e-20 or 1e18). For COSINE, |u_i - u_j| of the centred unit rows
     * survives float32 storage even when every row points the same way.
     *
     * @return the scale
     */
    static double condition(FusedWorkspace w, WorkspaceLayout layout, long x, boolean cosine, int n, int d) {
        long rowNorm = 0L;
        if (cosine) {
            rowNorm = w.device(layout.offset(Device.ROW_NORM));
            w.args().ptr(x).i32(n).i32(d).ptr(rowNorm).launch("row_norms", n, 1, BLOCK_THREADS, 1);
        }
        ColumnStatistics.launch(w.args(), x, rowNorm, n, d, w.device(layout.offset(Device.COLUMN_PARTIALS)),
                w.device(layout.offset(Device.MEAN)), w.device(layout.offset(Device.SPREAD)));
        return ColumnStatistics.scale(w.port(), w.device(layout.offset(Device.SPREAD)),
                w.host().asSlice(layout.offset(Host.SPREAD), (long) d * Double.BYTES), d);
    }

    private static void stageInts(MemorySegment ints, WorkspaceLayout.IntTable t, PreparedLabels batch,
                                  EuclideanTilePlan plan) {
        int n = batch.rows();
        int[] sortedRows = batch.sortedRows();
        int[] labels = batch.labels();
        for (int p = 0; p < n; p++) {
            ints.setAtIndex(INT, t.sortedRows() + p, sortedRows[p]);
            ints.setAtIndex(INT, t.sortedLabels() + p, labels[sortedRows[p]]);
        }
        int[] offsets = batch.classOffsets();
        MemorySegment.copy(offsets, 0, ints, INT, (long) t.classOffsets() * Integer.BYTES, offsets.length);
        if (plan != null) {
            MemorySegment.copy(plan.tileFirstClass(), 0, ints, INT, (long) t.tileFirstClass() * Integer.BYTES,
                    plan.tiles());
            MemorySegment.copy(plan.tileSegmentStart(), 0, ints, INT, (long) t.tileSegmentStart() * Integer.BYTES,
                    plan.tiles() + 1);
            MemorySegment.copy(plan.pairs(), 0, ints, INT, (long) t.pairs() * Integer.BYTES, plan.pairs().length);
        }
    }

    private static void euclideanSums(FusedWorkspace w, WorkspaceLayout layout, EuclideanTilePlan plan, int n, int d,
                                      int k, long z, long selfDot, long sortedLabels, long classOffsets, long sums) {
        WorkspaceLayout.IntTable t = layout.ints();
        long ints = w.device(layout.offset(Device.INTS));
        long pairs = ints + (long) t.pairs() * Integer.BYTES;
        long firstClass = ints + (long) t.tileFirstClass() * Integer.BYTES;
        long segmentStart = ints + (long) t.tileSegmentStart() * Integer.BYTES;
        long partials = w.device(layout.offset(Device.PARTIALS));
        w.args().ptr(z).ptr(selfDot).ptr(sortedLabels).ptr(pairs).ptr(firstClass).ptr(segmentStart).i32(n).i32(d)
                .i32(plan.segments()).ptr(partials)
                .launch("euclidean_forward_tiles", plan.pairCount(), 1, BLOCK_THREADS, 1);
        long total = (long) n * k;
        w.args().ptr(partials).ptr(firstClass).ptr(segmentStart).ptr(classOffsets).i32(n).i32(k)
                .i32(plan.segments()).ptr(sums)
                .launch("euclidean_segment_sums", LaunchGrid.strideBlocks(total, BLOCK_THREADS), 1,
                        BLOCK_THREADS, 1);
    }

    private static void euclideanGradient(FusedWorkspace w, EuclideanTilePlan plan, int n, int d, int k, long z,
                                          long selfDot, long sortedLabels, long coef, long acc,
                                          WorkspaceLayout layout) {
        w.zero(layout.offset(Device.GRADIENT_ACC), layout.bytes(Device.GRADIENT_ACC));
        // One launch: block (row tile, column split) is the only writer of its rows in its split's slab.
        w.args().ptr(z).ptr(selfDot).ptr(sortedLabels).ptr(coef).i32(n).i32(d).i32(k).ptr(acc)
                .launch("euclidean_backward_rows", plan.tiles(), layout.gradientSlabs(), BLOCK_THREADS, 1);
    }

    private static void classStatisticSums(FusedWorkspace w, WorkspaceLayout layout, Metric metric, double scale,
                                           int n, int d, int k, long z, long selfDot, long rowExcess,
                                           long sortedLabels, long classOffsets, long sums) {
        long classSum = w.device(layout.offset(Device.CLASS_SUM));
        long classSq = w.device(layout.offset(Device.CLASS_SQ));
        long classExcess = w.device(layout.offset(Device.CLASS_EXCESS));
        int[] grid = LaunchGeometry.classSumGrid(k, d);
        w.args().ptr(z).ptr(selfDot).ptr(rowExcess).ptr(classOffsets).i32(k).i32(d).ptr(classSum).ptr(classSq)
                .ptr(classExcess)
                .launch("class_sums", grid[0], grid[1], LaunchGeometry.CLASS_SUM_THREADS, 1);
        grid = LaunchGeometry.gemmGrid(n, k);
        w.args().ptr(z).ptr(classSum).i32(n).i32(k).i32(d).ptr(sums)
                .launch("gemm_rows_classes", grid[0], grid[1], GEMM_TILE, GEMM_TILE);
        long total = (long) n * k;
        w.args().ptr(sums).ptr(selfDot).ptr(classSq).ptr(rowExcess).ptr(classExcess).ptr(sortedLabels)
                .ptr(classOffsets).i32(metric == Metric.COSINE ? 1 : 0).f64(1.0 / (scale * scale)).i32(n).i32(k)
                .launch("class_distance_sums", LaunchGrid.strideBlocks(total, BLOCK_THREADS), 1, BLOCK_THREADS,
                        1);
    }

    private static void classStatisticGradient(FusedWorkspace w, WorkspaceLayout layout, Metric metric, double scale,
                                               int n, int d, int k, long z, long rowNorm, long sortedLabels,
                                               long classOffsets, long coef, long acc) {
        long classSum = w.device(layout.offset(Device.CLASS_SUM));
        long coefRows = w.device(layout.offset(Device.COEF_ROWS));
        long coefSums = w.device(layout.offset(Device.COEF_SUMS));
        w.args().ptr(coef).i32(n).i32(k).ptr(coefSums)
                .launch("coef_column_sums", LaunchGrid.blocksFor(k, ROW_THREADS), 1, ROW_THREADS, 1);
        int[] grid = LaunchGeometry.gemmGrid(k, d);
        w.args().ptr(coef).ptr(z).i32(n).i32(k).i32(d).ptr(coefRows)
                .launch("gemm_coef_rows", grid[0], grid[1], GEMM_TILE, GEMM_TILE);
        grid = LaunchGeometry.gemmGrid(n, d);
        w.args().ptr(coef).ptr(classSum).i32(n).i32(k).i32(d).ptr(acc)
                .launch("gemm_coef_classes", grid[0], grid[1], GEMM_TILE, GEMM_TILE);
        w.args().ptr(acc).ptr(coefRows).ptr(coefSums).ptr(coef).ptr(z).ptr(rowNorm)
                .ptr(w.device(layout.offset(Device.MEAN))).ptr(sortedLabels).ptr(classOffsets)
                .i32(metric == Metric.COSINE ? 1 : 0).f64(scale).i32(n).i32(k).i32(d)
                .launch("class_gradient_rows", n, 1, BLOCK_THREADS, 1);
    }
}
