package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.LaunchGrid;

/**
 * Block sizes of this backend's kernels (the numbers the {@code .cu} files assume) and the grids of its
 * class-statistics kernels, on the engine's {@link LaunchGrid} arithmetic and limits.
 */
public final class LaunchGeometry {
    /** Threads of the tile, block-per-row and block-reduction kernels ({@code SS_THREADS}). */
    public static final int BLOCK_THREADS = 256;
    /** Threads of the thread-per-class kernels. */
    public static final int ROW_THREADS = 128;
    /** Threads per block of {@code class_sums} (one column each). */
    public static final int CLASS_SUM_THREADS = 128;
    /** Side of the double GEMM tile ({@code SS_GEMM_TILE}); the block is this squared. */
    public static final int GEMM_TILE = 16;

    private LaunchGeometry() {
    }

    /** Grid (x, y) of a {@code rows x cols} double GEMM with {@link #GEMM_TILE}-square blocks. */
    public static int[] gemmGrid(int rows, int cols) {
        int x = LaunchGrid.blocksFor(cols, GEMM_TILE);
        int y = LaunchGrid.blocksFor(rows, GEMM_TILE);
        if (y > LaunchGrid.MAX_GRID_Y) {
            throw new IllegalArgumentException("GEMM with " + rows + " rows needs " + y + " grid rows; the limit is "
                    + LaunchGrid.MAX_GRID_Y + " (at most " + (long) LaunchGrid.MAX_GRID_Y * GEMM_TILE
                    + " rows or classes)");
        }
        return new int[] {x, y};
    }

    /** Grid (x = class, y = column chunk) of {@code class_sums}. */
    public static int[] classSumGrid(int classes, int dims) {
        int y = LaunchGrid.blocksFor(dims, CLASS_SUM_THREADS);
        if (y > LaunchGrid.MAX_GRID_Y) {
            throw new IllegalArgumentException("dims: " + dims + " is too many for class_sums");
        }
        return new int[] {classes, y};
    }
}
