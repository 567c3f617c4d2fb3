package dev.softsilhouette.cuda.engine.fused;

import java.util.Arrays;

/**
 * How the EUCLIDEAN kernels ({@code euclidean_fused.cu}) cut a class-sorted batch: tiles of {@link #TILE} rows, the
 * unordered tile pairs of the forward (each once, diagonal included), the (tile, class) segments the forward writes
 * partial per-class sums into, and the column splits of the backward (row tile I, split s: one block, one writer of
 * its rows in slab s).
 *
 * <p>Segments: the rows of tile {@code t} span the classes {@code firstClass(t) .. lastClass(t)}, every one of them
 * present (classes are contiguous runs in sorted order). Segment {@code segmentStart(t) + c - firstClass(t)} holds,
 * for every row p, the sum of d(p, j) over the rows j of class c in tile t. The segments of one class are consecutive.
 */
public final class EuclideanTilePlan {
    /** Rows per tile; {@code SS_TILE} in {@code common.cuh}. */
    public static final int TILE = 64;
    /**
     * Blocks the backward aims for: several waves of resident blocks on a GPU of about 100 to 140 multiprocessors
     * (nvcc 13 for sm_90: 80 registers x 256 threads and 42 KiB of shared memory per block, so 3 resident blocks
     * per multiprocessor), which keeps the last wave's tail short.
     */
    public static final int BACKWARD_TARGET_BLOCKS = 1024;
    /** Device memory the backward's split slabs may take together (beyond one slab, which is always allowed). */
    public static final long SLAB_BUDGET_BYTES = 256L << 20;
    /** The most splits; also far below the grid's y limit. */
    public static final int MAX_SPLITS = 64;

    private final int rows;
    private final int tiles;
    private final int[] tileFirstClass;
    private final int[] tileSegmentStart;
    private final int[] pairs;
    private final int[] classOffsets;

    private EuclideanTilePlan(int rows, int[] classOffsets) {
        this.rows = rows;
        this.classOffsets = classOffsets.clone();
        this.tiles = Math.ceilDiv(rows, TILE);
        this.tileFirstClass = new int[tiles];
        this.tileSegmentStart = new int[tiles + 1];
        int classOfRow = 0;
        for (int t = 0; t < tiles; t++) {
            int first = t * TILE;
            int last = Math.min(rows, first + TILE) - 1;
            while (classOffsets[classOfRow + 1] <= first) {
                classOfRow++;
            }
            tileFirstClass[t] = classOfRow;
            int lastClass = classOfRow;
            while (classOffsets[lastClass + 1] <= last) {
                lastClass++;
            }
            tileSegmentStart[t + 1] = tileSegmentStart[t] + (lastClass - classOfRow + 1);
        }
        long pairCount = (long) tiles * (tiles + 1) / 2;
        if (pairCount * 2 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("rows: " + rows + " is too many for the tile schedule");
        }
        this.pairs = new int[(int) (pairCount * 2)];
        int w = 0;
        for (int i = 0; i < tiles; i++) {
            for (int j = i; j < tiles; j++) {
                pairs[w++] = i;
                pairs[w++] = j;
            }
        }
    }

    /**
     * The plan for {@code rows} class-sorted rows.
     *
     * @param classOffsets class boundaries in sorted order (length K+1, {@code classOffsets[K] == rows}), every class
     *                     non-empty
     */
    public static EuclideanTilePlan of(int rows, int[] classOffsets) {
        if (rows < 1 || classOffsets.length < 2 || classOffsets[0] != 0
                || classOffsets[classOffsets.length - 1] != rows) {
            throw new IllegalArgumentException("classOffsets must run from 0 to rows=" + rows);
        }
        for (int k = 0; k + 1 < classOffsets.length; k++) {
            if (classOffsets[k + 1] <= classOffsets[k]) {
                throw new IllegalArgumentException("classOffsets: class " + k + " is empty");
            }
        }
        return new EuclideanTilePlan(rows, classOffsets);
    }

    /** Whether this plan is the one {@link #of} would build for these arguments (lets a workspace keep it). */
    public boolean matches(int rows, int[] classOffsets) {
        return this.rows == rows && Arrays.equals(this.classOffsets, classOffsets);
    }

    public int rows() {
        return rows;
    }

    /** Number of row tiles, {@code ceil(rows / TILE)}. */
    public int tiles() {
        return tiles;
    }

    /** First class of each tile (length {@link #tiles()}); uploaded as is. */
    public int[] tileFirstClass() {
        return tileFirstClass;
    }

    /** First segment of each tile, and the total at the end (length {@link #tiles()} + 1); uploaded as is. */
    public int[] tileSegmentStart() {
        return tileSegmentStart;
    }

    /** Total number of segments: at most {@code K + tiles - 1}. */
    public int segments() {
        return tileSegmentStart[tiles];
    }

    /** Pairs (I, J), I &lt;= J, flattened (length 2 * {@link #pairCount()}); uploaded as is. */
    public int[] pairs() {
        return pairs;
    }

    public int pairCount() {
        return pairs.length / 2;
    }

    /**
     * Column splits of the backward ({@code euclidean_backward_rows}'s grid is {@link #tiles()} x splits, and the
     * gradient accumulator holds one N x D double slab per split): enough blocks to fill the device
     * ({@link #BACKWARD_TARGET_BLOCKS}), at most one split per tile, and slabs within {@link #SLAB_BUDGET_BYTES}.
     */
    public int backwardSplits(int dims) {
        long slabBytes = (long) rows * dims * Double.BYTES;
        long byBudget = Math.max(1, SLAB_BUDGET_BYTES / slabBytes);
        long byOccupancy = Math.ceilDiv(BACKWARD_TARGET_BLOCKS, tiles);
        return (int) Math.max(1, Math.min(Math.min(tiles, MAX_SPLITS), Math.min(byBudget, byOccupancy)));
    }

    /** Bytes of the forward's partial sums, N x segments float32. */
    public long partialBytes() {
        return (long) rows * segments() * Float.BYTES;
    }

    /**
     * The most {@link #partialBytes()} can be for {@code rows} rows of {@code classes} classes, whatever their
     * layout: N x (K + tiles - 1) floats. It grows as N^2 / 16 bytes, the one term of this strategy's memory that is
     * quadratic in N.
     */
    public static long maxPartialBytes(int rows, int classes) {
        return (long) rows * ((long) classes + Math.ceilDiv(rows, TILE) - 1) * Float.BYTES;
    }
}
