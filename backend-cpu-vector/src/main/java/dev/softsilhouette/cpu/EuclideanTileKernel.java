package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.parallel.BlockProgress;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * {@code EUCLIDEAN}: every pair, as tiles of the Gram matrix of the class-sorted rows, never an N x N buffer.
 *
 * <p>Rows are cut into blocks of {@code R}; a tile is a pair of blocks {@code (I, J)}, {@code I <= J}, so each pair of
 * rows is computed once. The Gram tile comes from a 6-row x 3-vector register-blocked micro-kernel over the
 * dimensions (the column block pre-packed as vector-wide panels); distances are {@code sqrt(|x_i|^2 + |x_j|^2 - 2<x_i, x_j>)} on
 * centred, power-of-two-scaled data, recomputed directly where the expansion cancels. Each distance row is reduced
 * straight into per-class sums along the class runs of the columns (rows sorted by class make every class a
 * contiguous run), and each column likewise along the class runs of the rows.
 *
 * <p>Tiles are ordered as the rounds of a round-robin tournament over the blocks (within a round no two tiles share a
 * block). Workers take tiles in that order and start each once the earlier tiles of its two blocks are done, so tiles
 * run in parallel without races, no worker waits at a per-round barrier, and every per-row sum receives its
 * contributions in the same order whatever the thread count. The backward recomputes each tile and applies the pair weights
 * {@code w_ij = (coef[i][y_j] + coef[j][y_i]) / d_ij} as two more tile products on the same micro-kernel:
 * {@code grad_i = (sum_j w_ij) x_i - sum_j w_ij x_j}. Memory: O(N*K + N*D + R^2 + R*D per worker).
 */
final class EuclideanTileKernel extends PhasedKernel {
    private static final int FORWARD = 0;
    private static final int ROWS = 1;
    private static final int BACKWARD = 2;
    private static final int GRADIENT = 3;
    private static final int LOAD_ROWS = 4;
    private static final int CENTRE_ROWS = 5;
    private static final int PREPARE_ROWS = 6;

    private final SimdOps ops;
    private final int lanes;

    // Per call.
    private int tile;
    private int blocks;
    private double tau;
    private double weight;
    private MemorySegment rowWeights;
    private MemorySegment gradientOut;
    private boolean gradient;

    // Workspace, reused across calls.
    private int tasks;
    private int[] taskI = new int[0];
    private int[] taskJ = new int[0];
    /** Tasks of block {@code taskI[t]} (of {@code taskJ[t]}) that come before task t. */
    private int[] earlierI = new int[0];
    private int[] earlierJ = new int[0];
    private int scheduledBlocks = -1;
    private final BlockProgress progress = new BlockProgress();
    private float[] packed = new float[0];
    private float[] norms = new float[0];
    /** Row-side distance sums, [row][class]. */
    private double[] sums = new double[0];
    /** Column-side distance sums, [class][row]: contiguous along the columns of a tile. */
    private double[] columnSums = new double[0];
    private float[] coef = new float[0];
    private float[] coefT = new float[0];
    private float[] accumulated = new float[0];
    private float[] rowSums = new float[0];
    /**
     * The rows cut into the dimension slices of the backward products, each slice's rows contiguous (the products'
     * vector operand streams like the Gram tile's packed panels): for the slice of {@code w} floats at dimension
     * {@code t}, {@code rowPanels[npad*t + p*w + q] = x[p*dp + t + q]}.
     */
    private float[] rowPanels = new float[0];
    /** The rows are centred on the mean row (any shift is exact in the math, by translation invariance). */
    private float[] shift = new float[0];
    /** Each row chunk's float sum of its rows (the mean, in chunk order). */
    private float[] chunkSums = new float[0];
    /** The power of two the centred rows are multiplied by (2^-exponent). */
    private float rowScale;
    private final float[][] tiles;
    /** Per worker, a backward product of one side of a tile (tile rows of dp), added to the shared sums at its end. */
    private final float[][] products;
    private final float[][] columnScratch;
    /** Per worker, a row chunk's column-side sums as [row][class] (columnSums holds them as [class][row]). */
    private final double[][] chunkColumnSums;
    private final double[][] derivatives;
    private final double[][] rowScratch;

    EuclideanTileKernel(SortedBatch data, WorkerPool pool) {
        super(data, pool);
        this.ops = data.ops;
        this.lanes = ops.lanes();
        int w = pool.size();
        tiles = new float[w][0];
        products = new float[w][0];
        columnScratch = new float[w][0];
        chunkColumnSums = new double[w][0];
        derivatives = new double[w][0];
        rowScratch = new double[w][0];
    }

    /**
     * Tile edge: a multiple of the 6-row, 3-vector micro-kernel (48, 96 or 144 rows with 16 lanes). Small enough that
     * the schedule holds several tiles that share no block (what the workers run side by side: N = 1024 makes 11
     * blocks of 96 rows, so 5 such tiles), large enough to reuse each packed panel and to give the backward products
     * a long loop (a tile edge), whose accumulators are loaded and stored once per tile. It depends on N alone, so the
     * bits do not depend on the thread count.
     */
    private int tileFor(int n) {
        return (n <= 512 ? 1 : n <= 2048 ? 2 : 3) * 3 * lanes; // lanes is even, so this is also a multiple of 6
    }

    @Override
    double compute(PreparedBatch batch, double tau, double weight, MemorySegment rowWeights,
                   MemorySegment silhouettesOut, MemorySegment gradientOut) {
        int n = batch.rows();
        this.tile = tileFor(n);
        data.loadShape(batch, tile);
        this.tau = tau;
        this.weight = weight;
        this.rowWeights = rowWeights;
        this.gradientOut = gradientOut;
        this.gradient = gradientOut != null;
        targetGradient(gradientOut);
        int npad = data.npad;
        int dp = data.dp;
        int k = data.k;
        int kc = k + 1;
        blocks = npad / tile;
        schedule(blocks);
        prepareOutputs();

        int chunks = rowChunks();
        shift = SortedBatch.grow(shift, dp);
        chunkSums = SortedBatch.grow(chunkSums, chunks * dp);
        packed = SortedBatch.grow(packed, npad * dp);
        norms = SortedBatch.grow(norms, npad);
        sums = SortedBatch.grow(sums, n * k + data.rowScratch); // padded: the row math reads whole vectors
        columnSums = SortedBatch.grow(columnSums, k * n);
        int workers = pool.size();
        for (int w = 0; w < workers; w++) {
            tiles[w] = SortedBatch.growOwn(tiles[w], tile * tile);
            products[w] = SortedBatch.growOwn(products[w], gradient ? tile * dp : 0);
            columnScratch[w] = SortedBatch.growOwn(columnScratch[w], tile);
            chunkColumnSums[w] = SortedBatch.growOwn(chunkColumnSums[w], ROW_CHUNK * k);
            derivatives[w] = SortedBatch.growOwn(derivatives[w], k);
            rowScratch[w] = SortedBatch.growOwn(rowScratch[w], data.rowScratch);
        }
        growGradientRows(dp);
        if (gradient) {
            coef = SortedBatch.grow(coef, npad * kc + lanes); // pairWeights reads up to a vector past a row
            coefT = SortedBatch.grow(coefT, kc * npad);
            accumulated = SortedBatch.grow(accumulated, npad * dp);
            rowSums = SortedBatch.grow(rowSums, npad);
            rowPanels = SortedBatch.grow(rowPanels, npad * dp);
        }
        workersWanted = workersFor((double) n * n * data.d / 2);

        // The rows in three parallel passes: copied with each chunk's sum, centred on the mean with each chunk's
        // largest magnitude, then scaled by the batch's power of two with their norms, panels and zeroed sums.
        gatherRowsInPhase();
        runPhase(LOAD_ROWS, chunks);
        Arrays.fill(shift, 0, dp, 0f);
        for (int chunk = 0; chunk < chunks; chunk++) {
            ops.add(shift, 0, chunkSums, chunk * dp, dp);
        }
        ops.scale(shift, 0, dp, 1f / n);
        runPhase(CENTRE_ROWS, chunks);
        rowScale = powerOfTwoFromChunks();
        runPhase(PREPARE_ROWS, (npad + ROW_CHUNK - 1) / ROW_CHUNK);

        runTiles(FORWARD);
        runPhase(ROWS, rowChunks());
        if (gradient) {
            runTiles(BACKWARD);
            runPhase(GRADIENT, rowChunks());
        }
        this.rowWeights = null;
        this.gradientOut = null;
        targetGradient(null); // the caller's array is not held between calls
        return finish(silhouettesOut);
    }

    private void runTiles(int phase) {
        progress.reset(blocks);
        runPhase(phase, tasks);
    }

    /**
     * Round-robin tournament (circle method) over the blocks, then the diagonal tiles: consecutive tiles of one round
     * share no block, so workers taking tiles in this order seldom wait for each other.
     */
    private void schedule(int b) {
        if (b == scheduledBlocks) {
            return;
        }
        int even = b + (b & 1);
        int pairRounds = even - 1;
        tasks = b * (b - 1) / 2 + b;
        taskI = new int[tasks];
        taskJ = new int[tasks];
        earlierI = new int[tasks];
        earlierJ = new int[tasks];
        int t = 0;
        for (int r = 0; r < pairRounds; r++) {
            for (int q = 0; q < even / 2; q++) {
                int u;
                int v;
                if (q == 0) {
                    u = r;
                    v = even - 1;
                } else {
                    u = (r + q) % (even - 1);
                    v = (r - q + even - 1) % (even - 1);
                }
                if (u >= b || v >= b) {
                    continue; // the bye of an odd block count
                }
                taskI[t] = Math.min(u, v);
                taskJ[t] = Math.max(u, v);
                t++;
            }
        }
        for (int i = 0; i < b; i++) {
            taskI[t] = i;
            taskJ[t] = i;
            t++;
        }
        int[] seen = new int[b];
        for (t = 0; t < tasks; t++) {
            earlierI[t] = seen[taskI[t]]++;
            earlierJ[t] = taskI[t] == taskJ[t] ? earlierI[t] : seen[taskJ[t]]++;
        }
        scheduledBlocks = b;
    }

    @Override
    void runPhase(int phase, int worker, int workers) {
        switch (phase) {
            case FORWARD, BACKWARD -> {
                // Tiles in schedule order, each once the earlier tiles of its two blocks are done: every per-row sum
                // receives its contributions in schedule order, whichever worker runs what.
                int t;
                while ((t = next.getAndIncrement()) < tasks) {
                    int bi = taskI[t];
                    int bj = taskJ[t];
                    progress.await(bi, earlierI[t]);
                    progress.await(bj, earlierJ[t]);
                    try {
                        if (phase == FORWARD) {
                            forwardTile(bi, bj, worker);
                        } else {
                            backwardTile(bi, bj, worker);
                        }
                    } finally { // also after a failure, which the pool reports: no worker waits for it forever
                        progress.finished(bi);
                        if (bj != bi) {
                            progress.finished(bj);
                        }
                    }
                }
            }
            case ROWS -> {
                int chunk;
                while ((chunk = claims.next(worker)) >= 0) {
                    rows(chunk, worker);
                }
            }
            case GRADIENT -> {
                int chunk;
                while ((chunk = claims.next(worker)) >= 0) {
                    gradientRows(chunk, worker);
                }
            }
            case LOAD_ROWS -> {
                int chunk;
                while ((chunk = claims.next(worker)) >= 0) {
                    loadRows(chunk);
                }
            }
            case CENTRE_ROWS -> {
                int chunk;
                while ((chunk = claims.next(worker)) >= 0) {
                    int from = chunk * ROW_CHUNK;
                    centreChunk(chunk, from, Math.min(data.n, from + ROW_CHUNK), shift);
                }
            }
            case PREPARE_ROWS -> {
                int chunk;
                while ((chunk = claims.next(worker)) >= 0) {
                    prepareRows(chunk);
                }
            }
            default -> throw new IllegalStateException("phase " + phase);
        }
    }

    /** One chunk of rows from the batch, and their float sum in row order (one block of the mean row). */
    private void loadRows(int chunk) {
        int dp = data.dp;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(data.n, from + ROW_CHUNK);
        gatherChunk(from, to);
        Arrays.fill(chunkSums, chunk * dp, (chunk + 1) * dp, 0f);
        for (int p = from; p < to; p++) {
            ops.add(chunkSums, chunk * dp, data.x, p * dp, dp);
        }
    }

    /**
     * One chunk of the padded rows (whole panels of {@code lanes} rows): scaled by the batch's power of two, their
     * squared norms and column panels, and their rows of every sum zeroed (with the gradient, their dimension slices
     * copied into the backward products' row panels too).
     */
    private void prepareRows(int chunk) {
        int n = data.n;
        int npad = data.npad;
        int dp = data.dp;
        int k = data.k;
        float[] x = data.x;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(npad, from + ROW_CHUNK);
        int realTo = Math.min(n, to);
        if (rowScale != 1f && realTo > from) {
            ops.scale(x, from * dp, realTo * dp, rowScale); // padding rows are zero
        }
        for (int p = from; p < to; p++) {
            norms[p] = ops.dot(x, p * dp, x, p * dp, dp);
        }
        SortedBatch.packColumnPanels(x, packed, from, to, dp, lanes);
        if (realTo > from) {
            Arrays.fill(sums, from * k, realTo * k, 0.0);
            for (int c = 0; c < k; c++) {
                Arrays.fill(columnSums, c * n + from, c * n + realTo, 0.0);
            }
        }
        if (!gradient) {
            return;
        }
        int kc = k + 1;
        int padFrom = Math.max(from, n);
        if (padFrom < to) { // padding rows: rows() writes the coefficients of the others
            Arrays.fill(coef, padFrom * kc, to * kc, 0f);
            for (int c = 0; c < k; c++) {
                Arrays.fill(coefT, c * npad + padFrom, c * npad + to, 0f);
            }
        }
        Arrays.fill(coefT, k * npad + from, k * npad + to, 0f);
        Arrays.fill(accumulated, from * dp, to * dp, 0f);
        Arrays.fill(rowSums, from, to, 0f);
        for (int t = 0; t < dp; ) {
            int width = rowPanelVectors(t) * lanes;
            for (int p = from; p < to; p++) {
                System.arraycopy(x, p * dp + t, rowPanels, npad * t + p * width, width);
            }
            t += width;
        }
    }

    /** Distances of the tile (I, J) into the worker's tile buffer; returns nothing, sets up valid extents. */
    private void distanceTile(int i0, int j0, int rowsValid, int colsEnd, float[] buffer) {
        int r = tile;
        int dp = data.dp;
        int d = data.d;
        float[] x = data.x;
        // 6 rows x 3 vectors where the tile allows, a narrower column remainder with fewer vectors.
        int rowsEnd = SortedBatch.roundUp(rowsValid, 6);
        int panelStride = dp * lanes;
        for (int rb = 0; rb < rowsEnd; rb += 6) {
            int aOff = (i0 + rb) * dp;
            for (int cb = 0; cb < colsEnd; ) {
                int vectors = SortedBatch.chunkVectors((colsEnd - cb) / lanes);
                int bOff = (j0 + cb) / lanes * panelStride;
                ops.multiplyAdd6(vectors, x, aOff, dp, 1, packed, bOff, panelStride, lanes, d, buffer, rb * r + cb, r,
                        false);
                cb += vectors * lanes;
            }
        }
        for (int row = 0; row < rowsValid; row++) {
            int i = i0 + row;
            ops.distancesFromGram(buffer, row * r, colsEnd, norms[i], norms, j0, x, i * dp, dp, d);
            if (i0 == j0) {
                buffer[row * r + row] = 0f; // d(x_i, x_i), exactly
            }
        }
    }

    private void forwardTile(int blockI, int blockJ, int worker) {
        int r = tile;
        int n = data.n;
        int k = data.k;
        int i0 = blockI * r;
        int j0 = blockJ * r;
        int rowsValid = Math.min(r, n - i0);
        int colsValid = Math.min(r, n - j0);
        if (rowsValid <= 0 || colsValid <= 0) {
            return;
        }
        int colsEnd = SortedBatch.roundUp(colsValid, lanes);
        float[] buffer = tiles[worker];
        distanceTile(i0, j0, rowsValid, colsEnd, buffer);

        int[] classOf = data.classOf;
        int[] offsets = data.offsets;
        int jEnd = j0 + colsValid;
        // Rows: each run of one class among the columns sums into one accumulator.
        for (int row = 0; row < rowsValid; row++) {
            int base = (i0 + row) * k;
            int off = row * r - j0;
            for (int a = j0, c = classOf[j0]; a < jEnd; c++) {
                int b = Math.min(offsets[c + 1], jEnd);
                sums[base + c] += ops.sum(buffer, off + a, off + b);
                a = b;
            }
        }
        if (blockI == blockJ) {
            return; // the diagonal tile holds both orders of each pair: its rows saw them all
        }
        // Columns: each run of one class among the rows.
        float[] column = columnScratch[worker];
        int iEnd = i0 + rowsValid;
        for (int a = i0, c = classOf[i0]; a < iEnd; c++) {
            int b = Math.min(offsets[c + 1], iEnd);
            ops.sumRows(buffer, (a - i0) * r, b - a, r, colsEnd, column);
            int base = c * n + j0;
            for (int col = 0; col < colsValid; col++) {
                columnSums[base + col] += column[col];
            }
            a = b;
        }
    }

    /** s_i and, for the backward, coef[i][c] = dL/d(sums[i][c]) = -w_i ds_i/d(sums[i][c]) in input units. */
    private void rows(int chunk, int worker) {
        int n = data.n;
        int k = data.k;
        int kc = k + 1;
        int npad = data.npad;
        double invScale = data.invScale;
        double[] derivative = gradient ? derivatives[worker] : null;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(n, from + ROW_CHUNK);
        // The chunk's column-side sums turned to [row][class] a class at a time: read row by row, columnSums'
        // [class][row] layout would touch a line (and a page) per class for every row.
        double[] columns = chunkColumnSums[worker];
        for (int c = 0; c < k; c++) {
            for (int p = from, at = c; p < to; p++, at += k) {
                columns[at] = columnSums[c * n + p];
            }
        }
        double total = 0.0;
        for (int p = from; p < to; p++) {
            int base = p * k;
            int columnBase = (p - from) * k;
            for (int c = 0; c < k; c++) {
                // both sides of the pairs, back in the caller's units (the temperature is in them)
                sums[base + c] = (sums[base + c] + columns[columnBase + c]) * invScale;
            }
            double s = ops.rowSilhouette(data.classOf[p], sums, base, k, data.offsets, data.inverseSizes,
                    tau, derivative, rowScratch[worker]);
            silhouettes[p] = (float) s;
            total += s;
            if (gradient) {
                double w = -data.rowWeight(weight, rowWeights, p);
                for (int c = 0; c < k; c++) {
                    coef[p * kc + c] = (float) (w * derivative[c]);
                }
                coef[p * kc + k] = 0f;
            }
        }
        if (gradient) {
            SortedBatch.classMajor(coef, kc, coefT, npad, k, from, to);
        }
        chunkTotals[chunk] = total;
    }

    private void backwardTile(int blockI, int blockJ, int worker) {
        int r = tile;
        int n = data.n;
        int npad = data.npad;
        int kc = data.k + 1;
        int i0 = blockI * r;
        int j0 = blockJ * r;
        int rowsValid = Math.min(r, n - i0);
        int colsValid = Math.min(r, n - j0);
        if (rowsValid <= 0 || colsValid <= 0) {
            return;
        }
        int colsEnd = SortedBatch.roundUp(colsValid, lanes);
        float[] buffer = tiles[worker];
        distanceTile(i0, j0, rowsValid, colsEnd, buffer);

        boolean offDiagonal = blockI != blockJ;
        float[] column = offDiagonal ? columnScratch[worker] : null;
        if (column != null) {
            Arrays.fill(column, 0, colsEnd, 0f);
        }
        int[] classOf = data.classOf;
        for (int row = 0; row < rowsValid; row++) {
            int i = i0 + row;
            rowSums[i] += ops.pairWeights(buffer, row * r, colsEnd, coef, i * kc, classOf, j0, coefT,
                    classOf[i] * npad + j0, column);
        }
        int rowsEnd = SortedBatch.roundUp(rowsValid, 6);
        for (int row = rowsValid; row < rowsEnd; row++) {
            Arrays.fill(buffer, row * r, row * r + colsEnd, 0f); // padding rows carry no weight
        }
        // grad_I += W x_J  (accumulated, subtracted at the end)
        productRows(buffer, r, 1, rowsEnd, j0, colsValid, i0, products[worker]);
        if (!offDiagonal) {
            return;
        }
        for (int col = 0; col < colsValid; col++) {
            rowSums[j0 + col] += column[col];
        }
        // grad_J += W^T x_I (columns of W past colsValid add to padding rows, which are never read)
        productRows(buffer, 1, r, SortedBatch.roundUp(colsValid, 6), i0, rowsValid, j0, products[worker]);
    }

    /**
     * {@code accumulated[(target + row)*dp + t] += sum_{l < count} w[row*rowStride + l*loopStride] * x[(first + l)*dp
     * + t]} for {@code row < rows} (a multiple of 6) and every dimension, on the 6-row micro-kernel over
     * {@link #rowPanels}. Dimension slices outermost: a slice of the count rows stays in L1 while every row group of
     * {@code w} streams past it. The sums go to the worker's own {@code product} first and are added to
     * {@code accumulated} in one pass at the end: the rows of {@code accumulated} were last written by whichever worker
     * ran the block's previous tile, and fetched from that core inside the product they would stall it at every row
     * group, where one sequential pass streams them. Each sum is formed from zero and added once: the bits do not
     * depend on the blocking.
     */
    private void productRows(float[] w, int rowStride, int loopStride, int rows, int first, int count, int target,
                             float[] product) {
        int dp = data.dp;
        int npad = data.npad;
        float[] b = rowPanels;
        for (int t = 0; t < dp; ) {
            int vectors = rowPanelVectors(t);
            int width = vectors * lanes;
            int bOff = npad * t + first * width;
            for (int rb = 0; rb < rows; rb += 6) {
                ops.multiplyAdd6(vectors, w, rb * rowStride, rowStride, loopStride, b, bOff, lanes, width, count,
                        product, rb * dp + t, dp, false);
            }
            t += width;
        }
        ops.add(accumulated, target * dp, product, 0, rows * dp);
    }

    /** Vectors in the dimension slice of {@link #rowPanels} from dimension {@code t}: how prepareRows lays them out. */
    private int rowPanelVectors(int t) {
        return Math.min(ops.widestProduct(), (data.dp - t) / lanes);
    }

    /** grad_i = (sum_j w_ij) x_i - sum_j w_ij x_j; the unit vectors need no rescaling. */
    private void gradientRows(int chunk, int worker) {
        int dp = data.dp;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(data.n, from + ROW_CHUNK);
        float[] target = gradientTarget(worker);
        for (int p = from; p < to; p++) {
            ops.scaledDifference(1f, rowSums[p], data.x, p * dp, accumulated, p * dp, target, gradientTargetOffset(p),
                    data.d);
            finishGradientRow(gradientOut, p, worker);
        }
    }
}
