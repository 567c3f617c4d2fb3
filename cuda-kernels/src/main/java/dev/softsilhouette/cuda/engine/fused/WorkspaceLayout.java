package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.ColumnStatistics;
import dev.softsilhouette.cuda.engine.ResidentEmbeddings;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where every buffer of one call lives: one device allocation and one pinned host allocation, each cut into
 * {@link #ALIGNMENT}-byte aligned regions. A workspace grows its two allocations to the largest layout it has seen
 * and reuses them. Regions a call does not need have size 0.
 *
 * <p>Memory: O(N*D + N*K) plus, for EUCLIDEAN, N x segments floats (segments &lt;= K + N/64) and the backward's
 * split slabs (N x D doubles each, within {@link EuclideanTilePlan#SLAB_BUDGET_BYTES}), never N x N.
 */
public final class WorkspaceLayout {
    /** Alignment of every region, enough for any vector load and for cuBLAS. */
    public static final long ALIGNMENT = 256;

    /** Device regions. */
    public enum Device {
        /** The caller's embeddings, caller order, float32 N x D (none when resident: the caller's are read). */
        X,
        /** The int tables (see {@link IntTable}). */
        INTS,
        /** Column means, float64 D (column_spread). */
        MEAN,
        /** Column statistics per row chunk, float64 chunks x 3 x D (column_partials). */
        COLUMN_PARTIALS,
        /** Each column's largest distance from its mean, float64 D (column_spread; comes back for the scale). */
        SPREAD,
        /** Upstream per-row weights, float32 N (gradient only). */
        ROW_WEIGHTS,
        /** Prepared rows in class order, float32 N x D. */
        Z,
        /** |z_p|^2, float64 N. */
        SELF_DOT,
        /** Row norms for COSINE, float64 N. */
        ROW_NORM,
        /** 1 - |u|^2 for COSINE (non-zero only for rows of norm below 1e-12), float64 N. */
        ROW_EXCESS,
        /** Per-class distance sums, then the coefficients, float64 N x K. */
        SUMS,
        /** s_p, float64 N. */
        SILHOUETTES,
        /** EUCLIDEAN forward partial sums, float32 N x segments. */
        PARTIALS,
        /** Class sums S_k, float64 K x D (class statistics). */
        CLASS_SUM,
        /** Class square sums Q_k, float64 K (class statistics). */
        CLASS_SQ,
        /** Class sums of the row excesses, float64 K (class statistics). */
        CLASS_EXCESS,
        /** W = coef^T Z, float64 K x D (class statistics, gradient). */
        COEF_ROWS,
        /** V = column sums of coef, float64 K (class statistics, gradient). */
        COEF_SUMS,
        /**
         * Gradient accumulator in class order, float64 N x D per slab (gradient): one slab, or for EUCLIDEAN one per
         * backward split ({@link EuclideanTilePlan#backwardSplits}).
         */
        GRADIENT_ACC,
        /** Gradient in the caller's order, float32 N x D (gradient; none when resident: the caller's is written). */
        GRADIENT,
        /** The finiteness check's answer, one 64-bit word (resident only, {@code ResidentEmbeddings}). */
        FLAG
    }

    /** Pinned host regions: what is uploaded and what comes back. */
    public enum Host {
        X, INTS, SPREAD, ROW_WEIGHTS, SILHOUETTES, GRADIENT, FLAG
    }

    /** Positions, in ints, of the tables within the INTS region (identical on host and device). */
    public record IntTable(int sortedRows, int sortedLabels, int classOffsets, int tileFirstClass,
                           int tileSegmentStart, int pairs, int total) {
    }

    private final Map<Device, long[]> device = new EnumMap<>(Device.class);
    private final Map<Host, long[]> host = new EnumMap<>(Host.class);
    private final long deviceBytes;
    private final long hostBytes;
    private final IntTable ints;
    private final int gradientSlabs;

    private WorkspaceLayout(int n, int d, int k, boolean euclidean, boolean gradient, EuclideanTilePlan plan,
                            boolean resident) {
        long nd = (long) n * d;
        long nk = (long) n * k;
        long kd = (long) k * d;
        int tiles = euclidean ? plan.tiles() : 0;
        int sortedRows = 0;
        int sortedLabels = n;
        int classOffsets = 2 * n;
        int tileFirstClass = classOffsets + k + 1;
        int tileSegmentStart = tileFirstClass + tiles;
        int pairs = tileSegmentStart + (euclidean ? tiles + 1 : 0);
        long total = (long) pairs + (euclidean ? plan.pairs().length : 0);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch too large for the int tables: " + total + " ints");
        }
        this.ints = new IntTable(sortedRows, sortedLabels, classOffsets, tileFirstClass, tileSegmentStart, pairs,
                (int) total);
        long intBytes = total * Integer.BYTES;

        long[] cursor = {0};
        long staged = resident ? 0 : nd * Float.BYTES; // X and the gradient, when they cross
        long flag = resident ? ResidentEmbeddings.FLAG_BYTES : 0;
        region(device, Device.X, staged, cursor);
        region(device, Device.INTS, intBytes, cursor);
        region(device, Device.MEAN, (long) d * Double.BYTES, cursor);
        region(device, Device.COLUMN_PARTIALS, ColumnStatistics.partialBytes(n, d), cursor);
        region(device, Device.SPREAD, (long) d * Double.BYTES, cursor);
        region(device, Device.ROW_WEIGHTS, gradient ? (long) n * Float.BYTES : 0, cursor);
        region(device, Device.Z, nd * Float.BYTES, cursor);
        region(device, Device.SELF_DOT, (long) n * Double.BYTES, cursor);
        region(device, Device.ROW_NORM, (long) n * Double.BYTES, cursor);
        region(device, Device.ROW_EXCESS, (long) n * Double.BYTES, cursor);
        region(device, Device.SUMS, nk * Double.BYTES, cursor);
        region(device, Device.SILHOUETTES, (long) n * Double.BYTES, cursor);
        region(device, Device.PARTIALS, euclidean ? plan.partialBytes() : 0, cursor);
        region(device, Device.CLASS_SUM, euclidean ? 0 : kd * Double.BYTES, cursor);
        region(device, Device.CLASS_SQ, euclidean ? 0 : (long) k * Double.BYTES, cursor);
        region(device, Device.CLASS_EXCESS, euclidean ? 0 : (long) k * Double.BYTES, cursor);
        region(device, Device.COEF_ROWS, !euclidean && gradient ? kd * Double.BYTES : 0, cursor);
        region(device, Device.COEF_SUMS, !euclidean && gradient ? (long) k * Double.BYTES : 0, cursor);
        this.gradientSlabs = euclidean ? plan.backwardSplits(d) : 1;
        region(device, Device.GRADIENT_ACC, gradient ? gradientSlabs * nd * Double.BYTES : 0, cursor);
        region(device, Device.GRADIENT, gradient ? staged : 0, cursor);
        region(device, Device.FLAG, flag, cursor);
        this.deviceBytes = cursor[0];

        cursor[0] = 0;
        region(host, Host.X, staged, cursor);
        region(host, Host.INTS, intBytes, cursor);
        region(host, Host.SPREAD, (long) d * Double.BYTES, cursor);
        region(host, Host.ROW_WEIGHTS, gradient ? (long) n * Float.BYTES : 0, cursor);
        region(host, Host.SILHOUETTES, (long) n * Double.BYTES, cursor);
        region(host, Host.GRADIENT, gradient ? staged : 0, cursor);
        region(host, Host.FLAG, flag, cursor);
        this.hostBytes = cursor[0];
    }

    private static <E extends Enum<E>> void region(Map<E, long[]> map, E name, long bytes, long[] cursor) {
        map.put(name, new long[] {cursor[0], bytes});
        cursor[0] += alignUp(bytes);
    }

    /** {@code bytes} rounded up to {@link #ALIGNMENT}. */
    public static long alignUp(long bytes) {
        return Math.ceilDiv(bytes, ALIGNMENT) * ALIGNMENT;
    }

    /**
     * The layout of one call.
     *
     * @param euclidean whether the fused EUCLIDEAN kernels run (else class statistics)
     * @param plan      the tile plan, required when {@code euclidean}
     */
    public static WorkspaceLayout of(int n, int d, int k, boolean euclidean, boolean gradient,
                                     EuclideanTilePlan plan) {
        return of(n, d, k, euclidean, gradient, plan, false);
    }

    /**
     * The layout of one call, GPU-resident when {@code resident}: no X or gradient regions (the caller's are read
     * and written in place), and the finiteness check's word.
     */
    public static WorkspaceLayout of(int n, int d, int k, boolean euclidean, boolean gradient,
                                     EuclideanTilePlan plan, boolean resident) {
        if (n < 1 || d < 1 || k < 1 || k > n) {
            throw new IllegalArgumentException("n=" + n + " d=" + d + " k=" + k);
        }
        if (euclidean && (plan == null || plan.rows() != n)) {
            throw new IllegalArgumentException("plan: the EUCLIDEAN layout needs the tile plan of these rows");
        }
        return new WorkspaceLayout(n, d, k, euclidean, gradient, plan, resident);
    }

    public long offset(Device region) {
        return device.get(region)[0];
    }

    public long bytes(Device region) {
        return device.get(region)[1];
    }

    public long offset(Host region) {
        return host.get(region)[0];
    }

    public long bytes(Host region) {
        return host.get(region)[1];
    }

    /** Total device bytes (the sum of the aligned regions). */
    public long deviceBytes() {
        return deviceBytes;
    }

    /** Total pinned host bytes. */
    public long hostBytes() {
        return hostBytes;
    }

    /** Slabs of the gradient accumulator (the backward's column splits for EUCLIDEAN, else 1). */
    public int gradientSlabs() {
        return gradientSlabs;
    }

    public IntTable ints() {
        return ints;
    }
}
