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
 *       order. The rounds are generated one at a time (every pair at once would be O(blocks^2) memory).</li>
 *   <li>{@code EUCLIDEAN} when the N*K sums in double would take more than a quarter of the heap: the rows in
 *       stripes of whole blocks, one stripe's sums at a time. A stripe's blocks take their sums from every block
 *       in block order, one direction per tile (the other direction would belong to another stripe), so the tiles
 *       cost twice the work of the symmetric plan and memory is O((N / stripes) * K).</li>
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
    /** EUCLIDEAN: the row stripes whose sums are held one at a time (1: all of them, the symmetric plan). */
    private final int stripes;
    /** Blocks per stripe (the last may have fewer). */
    private final int stripeBlocks;
    private final ThreadLocal<float[][]> scratch;
    /** A tile's discarded column-side sums in the striped plan. */
    private final ThreadLocal<double[]> discarded;

    /** The sums' share of the heap: {@code Runtime.maxMemory() / 4}. */
    StreamedScore(BlockSilhouette blocks, MappedEmbeddings x, int[] y, ClassCounts classes, int blockRows) {
        this(blocks, x, y, classes, blockRows, Runtime.getRuntime().maxMemory() / 4);
    }

    /** @param sumsBudget bytes the EUCLIDEAN per-row per-class sums may take at once */
    StreamedScore(BlockSilhouette blocks, MappedEmbeddings x, int[] y, ClassCounts classes, int blockRows,
                  long sumsBudget) {
        this.blocks = blocks;
        this.x = x;
        this.y = y;
        this.classes = classes;
        this.blockRows = blockRows;
        this.blockCount = (int) ((x.rows() + (long) blockRows - 1) / blockRows);
        long sumsBytes = (long) x.rows() * classes.classCount() * Double.BYTES;
        int wanted = (int) Math.min(blockCount, Math.max(1, (sumsBytes + sumsBudget - 1) / Math.max(1, sumsBudget)));
        this.stripeBlocks = (blockCount + wanted - 1) / wanted;
        this.stripes = blocks.metric().decomposes() ? 1 : (blockCount + stripeBlocks - 1) / stripeBlocks;
        int scratchValues = x.inPlace() ? 0 : Math.multiplyExact(Math.min(blockRows, x.rows()), x.cols());
        this.scratch = ThreadLocal.withInitial(() -> new float[][]{new float[scratchValues], new float[scratchValues]});
        int columnSums = Math.multiplyExact(Math.min(blockRows, x.rows()), classes.classCount());
        this.discarded = ThreadLocal.withInitial(() -> new double[columnSums]);
    }

    static int defaultBlockRows(Metric metric) {
        return metric.decomposes() ? STATISTICS_BLOCK_ROWS : EUCLIDEAN_BLOCK_ROWS;
    }

    /** Units of work the progress bar counts: two passes over the blocks, or every tile. */
    long units() {
        if (blocks.metric().decomposes()) {
            return 2L * blockCount;
        }
        return stripes == 1 ? (long) blockCount * (blockCount + 1) / 2 : (long) blockCount * blockCount;
    }

    /** The number of row stripes of the EUCLIDEAN plan (1: the symmetric plan). */
    int stripes() {
        return stripes;
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
            double total = blocks.metric().decomposes()
                    ? statistics(pool, progress, done, samplesOut)
                    : euclidean(pool, progress, done, samplesOut);
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
        return stripes == 1 ? symmetric(pool, progress, done, samplesOut, k)
                : striped(pool, progress, done, samplesOut, k);
    }

    private double symmetric(ExecutorService pool, Progress progress, AtomicLong done, float[] samplesOut, int k) {
        double[][] sums = sumsOf(0, blockCount, k);
        for (int r = 0, rounds = roundCount(blockCount); r < rounds; r++) {
            List<Callable<Void>> tiles = new ArrayList<>();
            for (int[] pair : round(blockCount, r)) {
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
        return silhouettesFromSums(pool, 0, blockCount, sums, samplesOut);
    }

    /**
     * One stripe of blocks at a time: for every block j in order, the tiles (i, j) of the stripe's blocks i run in
     * parallel (each writes only its row side), so every row's sums take their contributions in block order.
     */
    private double striped(ExecutorService pool, Progress progress, AtomicLong done, float[] samplesOut, int k) {
        double total = 0.0;
        for (int first = 0; first < blockCount; first += stripeBlocks) {
            int stripeStart = first;
            int stripeEnd = Math.min(blockCount, first + stripeBlocks);
            double[][] sums = sumsOf(stripeStart, stripeEnd, k);
            String note = String.format(Locale.ROOT, "stripe %d/%d, tiles of %d x %d rows",
                    stripeStart / stripeBlocks + 1, stripes, blockRows, blockRows);
            for (int j = 0; j < blockCount; j++) {
                int column = j;
                runAll(pool, blockTasks(stripeStart, stripeEnd, row -> {
                    double[] own = sums[row - stripeStart];
                    if (row == column) {
                        blocks.addEuclideanSums(classes, block(row, 0), own);
                    } else {
                        double[] other = discarded.get();
                        java.util.Arrays.fill(other, 0.0);
                        blocks.addEuclideanSums(classes, block(row, 0), block(column, 1), own, other);
                    }
                    tick(progress, done, note);
                    return null;
                }));
            }
            total += silhouettesFromSums(pool, stripeStart, stripeEnd, sums, samplesOut);
        }
        return total;
    }

    /**
     * The rounds of a round-robin tournament over {@code b} blocks (the circle method), then one round of the
     * diagonal tiles: every pair {@code (i, j)}, {@code i <= j}, once, and no block twice in a round.
     */
    static List<int[][]> rounds(int b) {
        List<int[][]> rounds = new ArrayList<>();
        for (int r = 0, count = roundCount(b); r < count; r++) {
            rounds.add(round(b, r));
        }
        return rounds;
    }

    /** How many rounds {@link #round} has for {@code b} blocks: the tournament's, then the diagonal. */
    static int roundCount(int b) {
        return b + (b & 1); // the tournament's even - 1 rounds, then the diagonal
    }

    /** Round {@code r} of {@link #rounds}, computed on its own. */
    static int[][] round(int b, int r) {
        int even = b + (b & 1);
        if (r == even - 1) {
            int[][] diagonal = new int[b][];
            for (int i = 0; i < b; i++) {
                diagonal[i] = new int[]{i, i};
            }
            return diagonal;
        }
        List<int[]> round = new ArrayList<>();
        for (int q = 0; q < even / 2; q++) {
            int u = q == 0 ? r : (r + q) % (even - 1);
            int v = q == 0 ? even - 1 : (r - q + even - 1) % (even - 1);
            if (u < b && v < b) { // otherwise the bye of an odd block count
                round.add(new int[]{Math.min(u, v), Math.max(u, v)});
            }
        }
        return round.toArray(int[][]::new);
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

    /** Zeroed per-row per-class sums of blocks {@code [from, to)}, indexed from {@code from}. */
    private double[][] sumsOf(int from, int to, int k) {
        double[][] sums = new double[to - from][];
        for (int b = from; b < to; b++) {
            sums[b - from] = new double[Math.multiplyExact(rows(b), k)];
        }
        return sums;
    }

    /** The silhouettes of blocks {@code [from, to)} from their sums ({@link #sumsOf}); returns their sum. */
    private double silhouettesFromSums(ExecutorService pool, int from, int to, double[][] sums, float[] samplesOut) {
        return sumInOrder(runAll(pool, blockTasks(from, to, b -> blocks.silhouettesFromSums(classes,
                Ints.of(y, from(b)), rows(b), sums[b - from], samplesOut == null ? null
                        : Floats.of(samplesOut, from(b))))));
    }

    private <T> List<Callable<T>> blockTasks(BlockTask<T> task) {
        return blockTasks(0, blockCount, task);
    }

    /** One task per block of {@code [from, to)}, in block order. */
    private <T> List<Callable<T>> blockTasks(int from, int to, BlockTask<T> task) {
        List<Callable<T>> tasks = new ArrayList<>();
        for (int b = from; b < to; b++) {
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
        String plan = blocks.metric().decomposes() ? "2 passes"
                : units() + " tiles" + (stripes == 1 ? "" : " in " + stripes + " row stripes (the sums of one at a time)");
        return String.format(Locale.ROOT, "%d block%s of %d rows, %s, %d thread%s (memory-mapped%s)", blockCount,
                blockCount == 1 ? "" : "s", blockRows, plan, threads,
                threads == 1 ? "" : "s", x.inPlace() ? "" : ", converted block by block");
    }
}
