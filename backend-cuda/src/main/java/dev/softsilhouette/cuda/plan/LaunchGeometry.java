package dev.softsilhouette.cuda.plan;

/**
 * Grid and block sizes of every kernel launch, as plain arithmetic (the numbers the {@code .cu} files assume), with
 * the hardware limits checked in Java so that a batch too large for a grid fails with a clear message rather than a
 * launch error.
 */
public final class LaunchGeometry {
    /** Threads of the tile, block-per-row and block-reduction kernels ({@code SS_THREADS}). */
    public static final int BLOCK_THREADS = 256;
    /** Threads of the thread-per-row and thread-per-class kernels. */
    public static final int ROW_THREADS = 128;
    /** Threads per block of {@code class_sums} (one column each). */
    public static final int CLASS_SUM_THREADS = 128;
    /** Side of the double GEMM tile ({@code SS_GEMM_TILE}); the block is this squared. */
    public static final int GEMM_TILE = 16;
    /** Grid-stride kernels use at most this many blocks. */
    public static final int MAX_STRIDE_BLOCKS = 65_535;
    /** The y and z grid dimensions' limit. */
    public static final int MAX_GRID_Y = 65_535;

    private LaunchGeometry() {
    }

    /** Blocks of {@code threads} to cover {@code count} items, one item per thread. */
    public static int blocksFor(long count, int threads) {
        long blocks = Math.ceilDiv(count, threads);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count: " + count + " is too many for one grid");
        }
        return (int) Math.max(1, blocks);
    }

    /** Blocks for a grid-stride loop over {@code count} items. */
    public static int strideBlocks(long count, int threads) {
        return (int) Math.min(MAX_STRIDE_BLOCKS, Math.max(1, Math.ceilDiv(count, threads)));
    }

    /** Grid (x, y) of a {@code rows x cols} double GEMM with {@link #GEMM_TILE}-square blocks. */
    public static int[] gemmGrid(int rows, int cols) {
        int x = blocksFor(cols, GEMM_TILE);
        int y = blocksFor(rows, GEMM_TILE);
        if (y > MAX_GRID_Y) {
            throw new IllegalArgumentException("GEMM with " + rows + " rows needs " + y + " grid rows; the limit is "
                    + MAX_GRID_Y + " (at most " + (long) MAX_GRID_Y * GEMM_TILE + " rows or classes)");
        }
        return new int[] {x, y};
    }

    /** Grid (x = class, y = column chunk) of {@code class_sums}. */
    public static int[] classSumGrid(int classes, int dims) {
        int y = blocksFor(dims, CLASS_SUM_THREADS);
        if (y > MAX_GRID_Y) {
            throw new IllegalArgumentException("dims: " + dims + " is too many for class_sums");
        }
        return new int[] {classes, y};
    }
}
