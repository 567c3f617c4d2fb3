package dev.softsilhouette.cuda.engine;

/**
 * Grid sizes as plain arithmetic, with the hardware limits checked in Java so that a batch too large for a grid
 * fails with a clear message rather than a launch error. Both backends size their launches with it.
 */
public final class LaunchGrid {
    /** Grid-stride kernels use at most this many blocks (each thread then loops over its share). */
    public static final int MAX_STRIDE_BLOCKS = 65_535;
    /** The y and z grid dimensions' limit. */
    public static final int MAX_GRID_Y = 65_535;

    private LaunchGrid() {
    }

    /** Blocks of {@code threads} to cover {@code count} items, one item per thread. */
    public static int blocksFor(long count, int threads) {
        long blocks = Math.ceilDiv(count, threads);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("count: " + count + " is too many for one grid");
        }
        return (int) Math.max(1, blocks);
    }

    /** Blocks for a grid-stride loop over {@code count} items, at most {@link #MAX_STRIDE_BLOCKS}. */
    public static int strideBlocks(long count, int threads) {
        return (int) Math.min(MAX_STRIDE_BLOCKS, Math.max(1, Math.ceilDiv(count, threads)));
    }
}
