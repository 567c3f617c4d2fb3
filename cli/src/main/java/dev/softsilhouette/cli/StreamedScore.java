package dev.softsilhouette.cli;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.ClassStatistics;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.RowBlock;
import dev.softsilhouette.cli.io.MappedEmbeddings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code silhouette score} on a memory-mapped {@code .npy}, block by block through {@link BlockSilhouette}
 * (SPEC section 12): memory O(N*K) beyond the mapping, whatever the file's size.
 *
 * <ul>
 *   <li>{@code SQUARED_EUCLIDEAN}, {@code COSINE}: pass 1 checks each block and computes its class statistics,
 *       merged in block order; pass 2 computes every block's silhouettes from the merged statistics. O(N*K*D).</li>
 *   <li>{@code EUCLIDEAN}: every pair of blocks once (both directions from one tile) into per-row per-class sums,
 *       then the silhouettes. O(N^2*D): tiles run in the rounds of a round-robin tournament, in which no two tiles
 *       share a block, so a round's tiles run in parallel and every block's sums get their contributions in a fixed
 *       order.</li>
 * </ul>
 * Blocks run on {@code threads} threads; every sum is reduced in block order, so the score has the same bits for
 * any thread count.
 */
final class StreamedScore {
    /** Rows per block for the class-statistics metrics: O(rows*D) per task, few tasks. */
    static final int STATISTICS_BLOCK_ROWS = 65_536;
    /** Rows per block for EUCLIDEAN: a tile is O(rows^2 D) work; enough tiles for progress and for the threads. */
    static final int EUCLIDEAN_BLOCK_ROWS = 2_048;

    /** The score and how it was computed. */
    record Result(double score, int blocks, int blockRows, int threads) {
    }

    private final BlockSilhouette blocks;
    private final MappedEmbeddings x;
    private final int[] y;
    private final ClassCounts classes;
    private final int blockRows;
    private final int blockCount;
    private final ThreadLocal<float[][]> scratch;

    StreamedScore(BlockSilhouette blocks, MappedEmbeddings x, int[] y, ClassCounts classes, int blockRows) {
        this.blocks = blocks;
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.blockRows = blockRows;
        this.blockCount = (int) ((x.rows() + (long) blockRows - 1) / blockRows);
        int scratchValues = x.inPlace() ? 0 : Math.multiplyExact(Math.min(blockRows, x.rows()), x.cols());
        this.scratch = ThreadLocal.withInitial(() -> new float[][]{new float[scratchValues], new float[scratchValues]});
    }

    static int defaultBlockRows(Metric metric) {
        return metric == Metric.EUCLIDEAN ? EUCLIDEAN_BLOCK_ROWS : STATISTICS_BLOCK_ROWS;
    }

    /** Units of work the progress bar counts: two passes over the blocks, or every tile. */
    long units() {
        return blocks.metric() == Metric.EUCLIDEAN ? (long) blockCount * (blockCount + 1) / 2 : 2L * blockCount;
    }

    /**
     * Computes the score.
     *
     * @param samplesOut N values for every s_i, or {@code null}
     */
    Result run(int threads, Progress progress, float[] samplesOut) {
        AtomicLong done = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon()
                .name("silhouette-block-", 0).factory())) {
            double total = blocks.metric() == Metric.EUCLIDEAN
                    ? euclidean(pool, progress, done, samplesOut)
                    : statistics(pool, progress, done, samplesOut);
            return new Result(total / x.rows(), blockCount, blockRows, threads);
        }
    }

    private double statistics(ExecutorService pool, Progress progress, AtomicLong done, float[] samplesOut) {
        double[] shift = blocks.shift(block(0, 0));
        List<ClassStatistics> perBlock = runAll(pool, blockTasks(b -> {
            x.checkFinite(from(b), rows(b));
            ClassStatistics s = blocks.statistics(block(b, 0), shift);
            tick(progress, done, "pass 1/2: class statistics");
            return s;
        }));
        ClassStatistics all = perBlock.getFirst();
        for (int b = 1; b < blockCount; b++) {
            all = all.merge(perBlock.get(b)); // in block order: the same bits for any thread count
        }
        ClassStatistics merged = all;
        List<Double> sums = runAll(pool, blockTasks(b -> {
            double s = blocks.silhouettes(merged, block(b, 0), samplesOut == null ? null
                    : Floats.of(samplesOut, from(b)));
            tick(progress, done, "pass 2/2: silhouettes");
            return s;
        }));
        return sumInOrder(sums);
    }

    private double euclidean(ExecutorService pool, Progress progress, AtomicLong done, float[] samplesOut) {
        int k = classes.classCount();
        runAll(pool, blockTasks(b -> {
            x.checkFinite(from(b), rows(b));
            return null;
        }));
        double[][] sums = new double[blockCount][];
        for (int b = 0; b < blockCount; b++) {
            sums[b] = new double[Math.multiplyExact(rows(b), k)];
        }
        for (int[][] round : rounds(blockCount)) {
            List<Callable<Void>> tiles = new ArrayList<>();
            for (int[] pair : round) {
                tiles.add(() -> {
                    int i = pair[0];
                    int j = pair[1];
                    if (i == j) {
                        blocks.addEuclideanSums(classes, block(i, 0), sums[i]);
                    } else {
                        blocks.addEuclideanSums(classes, block(i, 0), block(j, 1), sums[i], sums[j]);
                    }
                    tick(progress, done, "tiles of " + blockRows + " x " + blockRows + " rows");
                    return null;
                });
            }
            runAll(pool, tiles);
        }
        List<Double> totals = runAll(pool, blockTasks(b -> blocks.silhouettesFromSums(classes, Ints.of(y, from(b)),
                rows(b), sums[b], samplesOut == null ? null : Floats.of(samplesOut, from(b)))));
        return sumInOrder(totals);
    }

    /**
     * The rounds of a round-robin tournament over {@code b} blocks (the circle method), then one round of the
     * diagonal tiles: every pair {@code (i, j)}, {@code i <= j}, once, and no block twice in a round.
     */
    static List<int[][]> rounds(int b) {
        int even = b + (b & 1);
        List<int[][]> rounds = new ArrayList<>();
        for (int r = 0; r < even - 1; r++) {
            List<int[]> round = new ArrayList<>();
            for (int q = 0; q < even / 2; q++) {
                int u = q == 0 ? r : (r + q) % (even - 1);
                int v = q == 0 ? even - 1 : (r - q + even - 1) % (even - 1);
                if (u < b && v < b) { // otherwise the bye of an odd block count
                    round.add(new int[]{Math.min(u, v), Math.max(u, v)});
                }
            }
            rounds.add(round.toArray(int[][]::new));
        }
        int[][] diagonal = new int[b][];
        for (int i = 0; i < b; i++) {
            diagonal[i] = new int[]{i, i};
        }
        rounds.add(diagonal);
        return rounds;
    }

    private int from(int b) {
        return b * blockRows;
    }

    private int rows(int b) {
        return Math.min(blockRows, x.rows() - from(b));
    }

    /** Block {@code b} as a {@link RowBlock}; {@code slot} picks this thread's conversion buffer (0 or 1). */
    private RowBlock block(int b, int slot) {
        int rows = rows(b);
        return new RowBlock(x.block(from(b), rows, scratch.get()[slot]), Ints.of(y, from(b)), rows, x.cols());
    }

    private void tick(Progress progress, AtomicLong done, String note) {
        progress.update(done.incrementAndGet(), note);
    }

    private interface BlockTask<T> {
        T run(int block);
    }

    private <T> List<Callable<T>> blockTasks(BlockTask<T> task) {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int b = 0; b < blockCount; b++) {
            int block = b;
            tasks.add(() -> task.run(block));
        }
        return tasks;
    }

    /** Runs the tasks and returns their results in task order; a task's exception is rethrown as it was. */
    private static <T> List<T> runAll(ExecutorService pool, List<Callable<T>> tasks) {
        List<T> results = new ArrayList<>(tasks.size());
        try {
            for (Future<T> f : pool.invokeAll(tasks)) {
                results.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        return results;
    }

    private static double sumInOrder(List<Double> values) {
        double total = 0.0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    /** How the run is described on the command line. */
    String describe(int threads) {
        return String.format(Locale.ROOT, "%d block%s of %d rows, %s, %d thread%s (memory-mapped%s)", blockCount,
                blockCount == 1 ? "" : "s", blockRows,
                blocks.metric() == Metric.EUCLIDEAN ? units() + " tiles" : "2 passes", threads,
                threads == 1 ? "" : "s", x.inPlace() ? "" : ", converted block by block");
    }
}
