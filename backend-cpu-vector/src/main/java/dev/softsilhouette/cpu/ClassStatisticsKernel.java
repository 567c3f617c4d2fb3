package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * {@code SQUARED_EUCLIDEAN} and {@code COSINE} through class statistics (SPEC section 6): O(N*K*D), nothing N x N.
 *
 * <p>Squared Euclidean, on centred, scaled rows with class means {@code m_k} and within-class scatter
 * {@code W_k = sum_{j in k} |x_j - m_k|^2} (both accumulated in double):
 * {@code sum_{j in k} |x_i - x_j|^2 = n_k |x_i - m_k|^2 + W_k}, with {@code |x_i - m_k|^2} from the Gram product
 * {@code <x_i, m_k>} (one FMA per element) and recomputed directly where the expansion has cancelled (below 1/64 of
 * {@code |x_i|^2 + |m_k|^2}), as the Euclidean tiles do. Backward, with {@code T_c = sum_j coef[j][c]} and {@code U_c = sum_j coef[j][c] x_j}:
 * {@code grad_i = 2 [(sum_k coef_ik n_k + T_{y_i}) x_i - sum_k coef_ik S_k - U_{y_i}]} ({@code S_k = n_k m_k}).
 *
 * <p>Cosine, on unit rows {@code u_i} (norms floored at 1e-12 in the caller's units) with class sums {@code S_k}:
 * {@code sum_{j in k} (1 - <u_i, u_j>) = n_k - <u_i, S_k>} (less the self term for the own class). Backward:
 * {@code grad_i = (alpha_i u_i - sum_k coef_ik S_k - U_{y_i}) / |x_i|} with
 * {@code alpha_i = sum_k coef_ik <u_i, S_k> + <u_i, U_{y_i}> + 2 coef_{i,y_i} (1 - |u_i|^2)}.
 */
final class ClassStatisticsKernel extends PhasedKernel {
    private static final int PREPARE_ROWS = 0;
    private static final int STATISTICS = 1;
    private static final int ROWS = 2;
    private static final int CLASS_SUMS = 3;
    private static final int GRADIENT = 4;
    private static final int STATS_BLOCK = 64;
    /** Per pair, the smallest cosine distance sum the float32 class-sum form resolves (2^-21). */
    private static final double COSINE_RESOLUTION = 0x1p-21;
    /** Below this fraction of {@code |x|^2 + |m|^2} the expanded squared distance is recomputed directly. */
    private static final float NEAR = 1.0f / 64;

    private final SimdOps ops;
    private final int lanes;

    private boolean cosine;
    private double tau;
    private double weight;
    private MemorySegment rowWeights;
    private MemorySegment gradientOut;
    private boolean gradient;
    private int kp;
    private int kRows;
    /** The dimension slices of the class-sum products: first dimension and vector count of each. */
    private int dimensionChunks;
    private int[] chunkStart = new int[0];
    private int[] chunkVectorCount = new int[0];

    /** Class means (squared Euclidean) or class sums of unit rows (cosine), row-major, kp rows of dp. */
    private float[] centres = new float[0];
    /** The same, packed as panels of {@code lanes} classes per dimension: the B operand of the row kernel. */
    private float[] centresPacked = new float[0];
    private double[] scatter = new double[0];
    private float[] centreNorms = new float[0];
    /**
     * Squared Euclidean: |x_p|^2, computed before the row phase (a dot product called from the large row method would
     * not be inlined whole, and the JIT would box its vectors).
     */
    private float[] rowSquares = new float[0];
    private float[] unitNorms = new float[0];
    private double[] rowNorms = new double[0];
    private float[] coef = new float[0];
    /** Squared Euclidean: the class sums {@code n_k m_k} in float, the B operand of the gradient product. */
    private float[] classTotals = new float[0];
    /** Per row chunk and class, the sum of the chunk's coef column (reduced in chunk order into T_c). */
    private double[] chunkClassTotals = new double[0];
    private float[] rowAlpha = new float[0];
    /**
     * The classes with a non-zero coefficient in each row, [row][q] (row stride kp), and their count. With a small
     * temperature most softmin weights underflow, so a row's coefficients are mostly exact zeros; the backward products
     * then run over the listed classes only, which adds the same terms in the same order (a zero term adds nothing).
     */
    private int[] nonzeroClasses = new int[0];
    private int[] nonzeroCounts = new int[0];
    private boolean sparseClassSums;
    private float[] classWeights = new float[0];
    private double[] classWeightTotals = new double[0];
    private final double[][] statsSums;
    private final float[][] statsBlock;
    private final float[][] rowBlocks;
    private final double[][] sumsScratch;
    private final double[][] derivatives;
    private final double[][] rowScratch;
    private final float[][] gradientRows;

    ClassStatisticsKernel(SortedBatch data, WorkerPool pool) {
        super(data, pool);
        this.ops = data.ops;
        this.lanes = ops.lanes();
        int w = pool.size();
        statsSums = new double[w][0];
        statsBlock = new float[w][0];
        rowBlocks = new float[w][0];
        sumsScratch = new double[w][0];
        derivatives = new double[w][0];
        rowScratch = new double[w][0];
        gradientRows = new float[w][0];
    }

    double compute(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
                   MemorySegment silhouettesOut, MemorySegment gradientOut) {
        this.cosine = metric == Metric.COSINE;
        return compute(batch, tau, weight, rowWeights, silhouettesOut, gradientOut);
    }

    @Override
    double compute(PreparedBatch batch, double tau, double weight, MemorySegment rowWeights,
                   MemorySegment silhouettesOut, MemorySegment gradientOut) {
        data.load(batch, 4, !cosine);
        this.tau = tau;
        this.weight = weight;
        this.rowWeights = rowWeights;
        this.gradientOut = gradientOut;
        this.gradient = gradientOut != null;
        int n = data.n;
        int k = data.k;
        int dp = data.dp;
        int npad = data.npad;
        kp = SortedBatch.roundUp(k, lanes);
        kRows = SortedBatch.roundUp(k, 4);
        int centreRows = Math.max(kp, kRows);
        prepareOutputs();

        int workers = pool.size();
        for (int w = 0; w < workers; w++) {
            statsSums[w] = SortedBatch.grow(statsSums[w], dp);
            statsBlock[w] = SortedBatch.grow(statsBlock[w], dp);
        }
        if (cosine) {
            unitNorms = SortedBatch.grow(unitNorms, npad);
            rowNorms = SortedBatch.grow(rowNorms, npad);
        } else {
            rowSquares = SortedBatch.grow(rowSquares, n);
        }
        centres = SortedBatch.grow(centres, centreRows * dp);
        centresPacked = SortedBatch.grow(centresPacked, kp * dp);
        scatter = SortedBatch.grow(scatter, k);
        Arrays.fill(centres, k * dp, centreRows * dp, 0f);
        if (!cosine && gradient) {
            classTotals = SortedBatch.grow(classTotals, k * dp);
        }
        workersWanted = workersFor((double) n * kp * data.d);
        runPhase(PREPARE_ROWS);
        runPhase(STATISTICS);
        if (!cosine) {
            centreNorms = SortedBatch.grow(centreNorms, k);
            for (int c = 0; c < k; c++) {
                centreNorms[c] = ops.dot(centres, c * dp, centres, c * dp, dp);
            }
        }
        for (int c0 = 0; c0 < kp; c0 += lanes) {
            int base = c0 * dp;
            for (int lane = 0; lane < lanes; lane++) {
                int src = (c0 + lane) * dp;
                for (int t = 0; t < dp; t++) {
                    centresPacked[base + t * lanes + lane] = centres[src + t];
                }
            }
        }

        for (int w = 0; w < workers; w++) {
            rowBlocks[w] = SortedBatch.grow(rowBlocks[w], 4 * Math.max(kp, dp));
            sumsScratch[w] = SortedBatch.grow(sumsScratch[w], data.rowScratch); // padded: the row math reads whole vectors
            derivatives[w] = SortedBatch.grow(derivatives[w], k);
            rowScratch[w] = SortedBatch.grow(rowScratch[w], data.rowScratch);
            gradientRows[w] = SortedBatch.grow(gradientRows[w], dp);
        }
        if (gradient) {
            coef = SortedBatch.grow(coef, npad * kp);
            chunkClassTotals = SortedBatch.grow(chunkClassTotals, rowChunks() * k);
            nonzeroClasses = SortedBatch.grow(nonzeroClasses, n * kp);
            nonzeroCounts = SortedBatch.grow(nonzeroCounts, n);
            rowAlpha = SortedBatch.grow(rowAlpha, npad);
            classWeights = SortedBatch.grow(classWeights, kRows * dp);
            classWeightTotals = SortedBatch.grow(classWeightTotals, kRows);
            Arrays.fill(coef, n * kp, npad * kp, 0f); // padding rows; rows() writes every column of the others
        }
        chunkStart = SortedBatch.grow(chunkStart, dp / lanes);
        chunkVectorCount = SortedBatch.grow(chunkVectorCount, dp / lanes);
        dimensionChunks = 0;
        for (int t = 0; t < dp; ) {
            int vectors = SortedBatch.productVectors((dp - t) / lanes, ops.widestProduct());
            chunkStart[dimensionChunks] = t;
            chunkVectorCount[dimensionChunks++] = vectors;
            t += vectors * lanes;
        }

        runPhase(ROWS);
        if (gradient) {
            long nonzeros = 0;
            for (int p = 0; p < n; p++) {
                nonzeros += nonzeroCounts[p];
            }
            sparseClassSums = nonzeros * 8 <= (long) n * k; // a data-dependent choice, never a thread-dependent one
            runPhase(CLASS_SUMS);
            runPhase(GRADIENT);
        }
        this.rowWeights = null;
        this.gradientOut = null;
        return finish(silhouettesOut);
    }

    @Override
    void runPhase(int phase, int worker, int workers) {
        int item;
        switch (phase) {
            case PREPARE_ROWS -> {
                while ((item = next.getAndIncrement()) < rowChunks()) {
                    prepareRows(item);
                }
            }
            case STATISTICS -> {
                while ((item = next.getAndIncrement()) < data.k) {
                    classStatistics(item, worker);
                }
            }
            case ROWS -> {
                while ((item = next.getAndIncrement()) < rowChunks()) {
                    rows(item, worker);
                }
            }
            case CLASS_SUMS -> {
                while ((item = next.getAndIncrement()) <= dimensionChunks) {
                    if (item == dimensionChunks) {
                        classWeightTotals();
                    } else {
                        classWeightedSums(item);
                    }
                }
            }
            case GRADIENT -> {
                while ((item = next.getAndIncrement()) < rowChunks()) {
                    gradientRows(item, worker);
                }
            }
            default -> throw new IllegalStateException("phase " + phase);
        }
    }

    /** Cosine: rows to unit length (norms floored in the caller's units); squared Euclidean: |x_p|^2. */
    private void prepareRows(int chunk) {
        int dp = data.dp;
        float[] x = data.x;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(data.n, from + ROW_CHUNK);
        for (int p = from; p < to; p++) {
            if (cosine) {
                double norm = Math.sqrt(ops.dot(x, p * dp, x, p * dp, dp)) * data.invScale;
                double floored = Math.max(norm, Metric.COSINE_NORM_FLOOR);
                rowNorms[p] = floored;
                ops.scale(x, p * dp, (p + 1) * dp, (float) (data.invScale / floored));
                unitNorms[p] = ops.dot(x, p * dp, x, p * dp, dp);
            } else {
                rowSquares[p] = ops.dot(x, p * dp, x, p * dp, dp);
            }
        }
    }

    /** One class's statistics: float partial sums over short blocks of rows, accumulated in double. */
    private void classStatistics(int c, int worker) {
        int dp = data.dp;
        float[] x = data.x;
        int[] offsets = data.offsets;
        double[] classSums = statsSums[worker];
        float[] blockSum = statsBlock[worker];
        Arrays.fill(classSums, 0, dp, 0.0);
        for (int a = offsets[c]; a < offsets[c + 1]; a += STATS_BLOCK) {
            int b = Math.min(offsets[c + 1], a + STATS_BLOCK);
            ops.sumRows(x, a * dp, b - a, dp, dp, blockSum);
            for (int t = 0; t < dp; t++) {
                classSums[t] += blockSum[t];
            }
        }
        int size = offsets[c + 1] - offsets[c];
        double divisor = cosine ? 1.0 : size;
        for (int t = 0; t < dp; t++) {
            centres[c * dp + t] = (float) (classSums[t] / divisor);
        }
        if (!cosine && gradient) {
            for (int t = 0; t < dp; t++) {
                classTotals[c * dp + t] = (float) classSums[t];
            }
        }
        if (!cosine) {
            double w = 0.0;
            for (int p = offsets[c]; p < offsets[c + 1]; p++) {
                w += ops.squaredDistance(x, p * dp, centres, c * dp, dp);
            }
            scatter[c] = w;
        }
    }

    private void rows(int chunk, int worker) {
        int n = data.n;
        int k = data.k;
        int dp = data.dp;
        int npad = data.npad;
        float[] x = data.x;
        float[] block = rowBlocks[worker];
        double[] sums = sumsScratch[worker];
        double[] derivative = gradient ? derivatives[worker] : null;
        int[] offsets = data.offsets;
        double unitsSquared = data.invScale * data.invScale;
        int panelStride = dp * lanes;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(n, from + ROW_CHUNK);
        double total = 0.0;
        double[] chunkT = chunkClassTotals;
        if (gradient) {
            Arrays.fill(chunkT, chunk * k, (chunk + 1) * k, 0.0);
        }
        int chunkTOff = chunk * k;
        for (int p0 = from; p0 < to; p0 += 4) {
            // block = <x_p, centre_c> for 4 rows and every class: one FMA per element (the Gram form)
            for (int v = 0, panels = kp / lanes; v < panels; ) {
                int vectors = SortedBatch.productVectors(panels - v, ops.widestProduct());
                ops.multiplyAdd(vectors, x, p0 * dp, dp, 1, centresPacked, v * panelStride, panelStride, lanes,
                        data.d, block, v * lanes, kp, false);
                v += vectors;
            }
            for (int r = 0; r < 4 && p0 + r < to; r++) {
                int p = p0 + r;
                int own = data.classOf[p];
                int row = r * kp;
                if (cosine) {
                    for (int c = 0; c < k; c++) {
                        sums[c] = (offsets[c + 1] - offsets[c]) - (double) block[row + c];
                    }
                } else {
                    // |x_p - m_c|^2 = |x_p|^2 + |m_c|^2 - 2 <x_p, m_c> (2g is exact: one rounding), recomputed
                    // directly where it is small next to the norms and the expansion has cancelled most digits.
                    float rowNorm = rowSquares[p];
                    for (int c = 0; c < k; c++) {
                        float norms = rowNorm + centreNorms[c];
                        float squared = Math.max(norms - 2f * block[row + c], 0f);
                        if (squared < norms * NEAR) {
                            squared = ops.squaredDistance(x, p * dp, centres, c * dp, dp);
                        }
                        sums[c] = ((offsets[c + 1] - offsets[c]) * (double) squared + scatter[c]) * unitsSquared;
                    }
                }
                if (cosine) {
                    sums[own] -= 1.0 - unitNorms[p]; // the row itself is not a pair
                    for (int c = 0; c < k; c++) {
                        // n_k - <u_i, S_k> is only known to about n_k float epsilons: below that it is 0 (rows
                        // pointing the same way), which keeps s_i = 0 for all-parallel data as in the reference.
                        double floor = COSINE_RESOLUTION * (offsets[c + 1] - offsets[c]);
                        sums[c] = sums[c] <= floor ? 0.0 : sums[c];
                    }
                }
                double s = ops.rowSilhouette(own, sums, 0, k, offsets, data.inverseSizes, tau, derivative,
                        rowScratch[worker]);
                silhouettes[p] = (float) s;
                total += s;
                if (gradient) {
                    // Squared Euclidean: coefficients with respect to the sums in the scaled units (the caller's
                    // divided by invScale^2), so that 1e-20 or 1e18 data keeps them in float range; the gradient
                    // factor below undoes it. Cosine sums carry no units.
                    double w = -data.rowWeight(weight, rowWeights, p) * (cosine ? 1.0 : unitsSquared);
                    double alpha = 0.0;
                    int coefRow = p * kp;
                    int nonzeros = 0;
                    for (int c = 0; c < k; c++) {
                        float value = (float) (w * derivative[c]);
                        coef[coefRow + c] = value;
                        if (value != 0f) {
                            nonzeroClasses[coefRow + nonzeros++] = c;
                        }
                        chunkT[chunkTOff + c] += value;
                        // cosine: sum_k coef_ik <u_i, S_k>; squared Euclidean: sum_k coef_ik n_k
                        alpha += cosine ? value * (double) block[row + c] : value * (double) (offsets[c + 1] - offsets[c]);
                    }
                    Arrays.fill(coef, coefRow + k, coefRow + kp, 0f);
                    rowAlpha[p] = (float) alpha;
                    nonzeroCounts[p] = nonzeros;
                }
            }
        }
        chunkTotals[chunk] = total;
    }

    /**
     * U_c = sum_j coef[j][c] x_j for every class, on one slice of dimensions: the slice of x (N rows of up to three
     * vectors) stays in L2 while every group of four classes streams past it.
     */
    private void classWeightedSums(int chunk) {
        int dp = data.dp;
        int npad = data.npad;
        int t = chunkStart[chunk];
        int vectors = chunkVectorCount[chunk];
        if (sparseClassSums) {
            int len = vectors * lanes;
            for (int c = 0; c < kRows; c++) {
                Arrays.fill(classWeights, c * dp + t, c * dp + t + len, 0f);
            }
            float[] x = data.x;
            for (int j = 0, n = data.n; j < n; j++) {
                int row = j * kp;
                for (int q = 0, count = nonzeroCounts[j]; q < count; q++) {
                    int c = nonzeroClasses[row + q];
                    ops.multiplyAccumulate(coef[row + c], x, j * dp + t, classWeights, c * dp + t, len);
                }
            }
            return;
        }
        for (int c0 = 0; c0 < kRows; c0 += 4) {
            ops.multiplyAdd(vectors, coef, c0, 1, kp, data.x, t, lanes, dp, data.n, classWeights,
                    c0 * dp + t, dp, false);
        }
    }

    /** T_c = sum_j coef[j][c]: the row chunks' partial sums, in chunk order. */
    private void classWeightTotals() {
        int k = data.k;
        int chunks = rowChunks();
        for (int c = 0; c < k; c++) {
            double total = 0.0;
            for (int chunk = 0; chunk < chunks; chunk++) {
                total += chunkClassTotals[chunk * k + c];
            }
            classWeightTotals[c] = total;
        }
    }

    private void gradientRows(int chunk, int worker) {
        int n = data.n;
        int k = data.k;
        int dp = data.dp;
        float[] x = data.x;
        float[] block = rowBlocks[worker];
        float[] out = gradientRows[worker];
        int from = chunk * ROW_CHUNK;
        int to = Math.min(n, from + ROW_CHUNK);
        float factor = (float) (2.0 / data.invScale); // coefficients are in the scaled units (see rows)
        for (int p0 = from; p0 < to; p0 += 4) {
            // block rows: sum_k coef_ik (n_k m_k | S_k)
            float[] b = cosine ? centres : classTotals;
            int rows = Math.min(4, to - p0);
            int listed = 0;
            for (int r = 0; r < rows; r++) {
                listed += nonzeroCounts[p0 + r];
            }
            if (listed <= k) {
                for (int r = 0; r < rows; r++) {
                    int p = p0 + r;
                    ops.sparseMultiply(coef, p * kp, nonzeroClasses, p * kp, nonzeroCounts[p], b, dp, block, r * dp,
                            dp);
                }
            } else {
                for (int t = 0; t < dp; ) {
                    int vectors = SortedBatch.productVectors((dp - t) / lanes, ops.widestProduct());
                    ops.multiplyAdd(vectors, coef, p0 * kp, kp, 1, b, t, lanes, dp, k, block, t, dp, false);
                    t += vectors * lanes;
                }
            }
            for (int r = 0; r < 4 && p0 + r < to; r++) {
                int p = p0 + r;
                int own = data.classOf[p];
                ops.add(block, r * dp, classWeights, own * dp, dp);
                if (cosine) {
                    double alpha = rowAlpha[p] + ops.dot(x, p * dp, classWeights, own * dp, dp)
                            + 2.0 * coef[p * kp + own] * (1.0 - unitNorms[p]);
                    ops.scaledDifference((float) (1.0 / rowNorms[p]), (float) alpha, x, p * dp, block, r * dp, out,
                            0, data.d);
                } else {
                    float alpha = (float) (rowAlpha[p] + classWeightTotals[own]);
                    ops.scaledDifference(factor, alpha, x, p * dp, block, r * dp, out, 0, data.d);
                }
                writeGradientRow(gradientOut, p, out);
            }
        }
    }
}
