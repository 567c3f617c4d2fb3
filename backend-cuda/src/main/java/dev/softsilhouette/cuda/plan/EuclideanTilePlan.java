package dev.softsilhouette.cuda.plan;

import java.util.Arrays;

/**
 * How the EUCLIDEAN kernels ({@code euclidean_fused.cu}) cut a class-sorted batch: tiles of {@link #TILE} rows, the
 * unordered tile pairs (each once, diagonal included) grouped into rounds in which no tile appears twice (so the
 * backward can add into both tiles' gradient rows without atomics), and the (tile, class) segments the forward writes
 * partial per-class sums into.
 *
 * <p>Segments: the rows of tile {@code t} span the classes {@code firstClass(t) .. lastClass(t)}, every one of them
 * present (classes are contiguous runs in sorted order). Segment {@code segmentStart(t) + c - firstClass(t)} holds,
 * for every row p, the sum of d(p, j) over the rows j of class c in tile t. The segments of one class are consecutive.
 */
public final class EuclideanTilePlan {
    /** Rows per tile; {@code SS_TILE} in {@code common.cuh}. */
    public static final int TILE = 64;

    private final int rows;
    private final int tiles;
    private final int[] tileFirstClass;
    private final int[] tileSegmentStart;
    private final int[] pairs;
    private final int[] roundStart;
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
        this.roundStart = schedule(tiles, pairs);
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

    /**
     * Round-robin (circle method) rounds over the tiles: every unordered pair {I, J} with I &lt;= J once, no tile twice
     * in a round. With an odd count, the tile paired with the extra "bye" seat in a round gets its diagonal pair
     * instead; with an even count, the diagonals form a last round.
     */
    private static int[] schedule(int tiles, int[] pairs) {
        int seats = tiles % 2 == 0 ? tiles : tiles + 1;
        int rounds = tiles % 2 == 0 ? tiles : tiles; // even: (tiles - 1) + diagonal round; odd: tiles rounds
        int[] roundStart = new int[rounds + 1];
        int w = 0;
        int round = 0;
        for (int r = 0; r < seats - 1; r++) {
            roundStart[round++] = w;
            w = put(pairs, w, seats - 1, r, tiles);
            for (int i = 1; i < seats / 2; i++) {
                w = put(pairs, w, (r + i) % (seats - 1), (r - i + seats - 1) % (seats - 1), tiles);
            }
        }
        if (tiles % 2 == 0) {
            roundStart[round++] = w;
            for (int t = 0; t < tiles; t++) {
                w = put(pairs, w, t, t, tiles);
            }
        }
        roundStart[round] = w;
        if (round != rounds || w != pairs.length) {
            throw new IllegalStateException("tile schedule: " + round + " rounds, " + w + " ints");
        }
        for (int r = 0; r <= rounds; r++) {
            roundStart[r] /= 2;
        }
        return roundStart;
    }

    private static int put(int[] pairs, int w, int a, int b, int tiles) {
        if (a >= tiles) {
            a = b; // the bye seat: this tile's diagonal pair
        } else if (b >= tiles) {
            b = a;
        }
        pairs[w] = Math.min(a, b);
        pairs[w + 1] = Math.max(a, b);
        return w + 2;
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

    /** Pairs (I, J), I &lt;= J, flattened, in round order (length 2 * {@link #pairCount()}); uploaded as is. */
    public int[] pairs() {
        return pairs;
    }

    public int pairCount() {
        return pairs.length / 2;
    }

    public int rounds() {
        return roundStart.length - 1;
    }

    /** Index of the first pair of round {@code r}; {@code roundStart(rounds())} is {@link #pairCount()}. */
    public int roundStart(int r) {
        return roundStart[r];
    }

    /** Bytes of the forward's partial sums, N x segments float32. */
    public long partialBytes() {
        return (long) rows * segments() * Float.BYTES;
    }
}
