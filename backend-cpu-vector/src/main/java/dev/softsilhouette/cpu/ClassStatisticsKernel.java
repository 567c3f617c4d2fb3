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
 * <p>Cosine runs the same machinery on unit rows {@code u_i = x_i / max(|x_i|, 1e-12)}, centred on their mean:
 * {@code 1 - <u_i, u_j> = |u_i - u_j|^2 / 2 + c_i + c_j} with {@code c_i = (1 - |u_i|^2) / 2}, which is exactly 0
 * for every row above the norm floor. The expanded form {@code n_k - <u_i, S_k>} would cancel catastrophically for
 * nearly parallel rows (data far from the origin); the difference form keeps their precision. Backward: the
 * squared-Euclidean gradient with respect to {@code u_i} (halved coefficients), less {@code u_i} times the pair
 * weights for a row below the floor, projected by {@code (I - u_i u_i^T)} and divided by {@code max(|x_i|, 1e-12)},
 * which is SPEC section 5's {@code -(u_j - <u_i, u_j> u_i) / max(|x_i|, 1e-12)} summed over pairs.
 */
final class ClassStatisticsKernel extends PhasedKernel {
    private static final int LOAD_ROWS = 0;
    private static final int STATISTICS = 1;
    private static final int ROWS = 2;
    private static final int CLASS_SUMS = 3;
    private static final int GRADIENT = 4;
    private static final int REDUCE_CLASS_SUMS = 5;
    private static final int STATS_BLOCK = 64;
    /** Squared Euclidean: the rows the shift is the mean of, at most about this many, evenly spaced. */
    private static final int SHIFT_SAMPLE = 256;
    /** Rows per block of the dense class-weighted sums: 64 rows of up to four vectors fit L1 next to the rest. */
    private static final int CLASS_SUMS_ROWS = 64;
    /**
     * The class-weighted sums are split by rows into at most this many blocks of whole row chunks, at least
     * {@link #LEAST_CHUNKS_PER_BLOCK} each; each block's partial sums are added in block order. Split by rows, a worker
     * reads the rows and coefficients it wrote itself: split by dimensions, every worker read every row, and the next
     * call's writes to those lines waited for the other cores to give them up.
     */
    private static final int MOST_CLASS_SUM_BLOCKS = 8;
    private static final int LEAST_CHUNKS_PER_BLOCK = 4;
    /**
     * Cosine: a row whose largest magnitude lies within 2^&plusmn;32 of 1 is not scaled by its power of two before its
     * norm. Its squared norm neither overflows nor underflows in float, and scaling by a power of two is exact: the
     * unit row is the same either way, one pass over the row sooner.
     */
    private static final int UNSCALED_EXPONENT = 32;
    /** Per pair, the cosine distance below which unit rows are parallel up to float rounding (2^-40). */
    private static final double COSINE_PARALLEL = 0x1p-40;

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
    /** Classes rounded up to whole double vectors: the length of the per-class double arrays the row math reads. */
    private int kd;
    /** The dimension slices of the class-sum products: first dimension and vector count of each. */
    private int dimensionChunks;
    private int[] chunkStart = new int[0];
    private int[] chunkVectorCount = new int[0];

    /** Class means of the (scaled, or centred unit) rows, row-major, kp rows of dp. */
    private float[] centres = new float[0];
    /** The same, packed as panels of {@code lanes} classes per dimension: the B operand of the row kernel. */
    private float[] centresPacked = new float[0];
    private double[] scatter = new double[0];
    private float[] centreNorms = new float[0];
    /** n_k as doubles, padded with zeros to kd. */
    private double[] classSizes = new double[0];
    /**
     * Squared Euclidean: |x_p|^2, computed before the row phase (a dot product called from the large row method would
     * not be inlined whole, and the JIT would box its vectors).
     */
    private float[] rowSquares = new float[0];
    private double[] rowNorms = new double[0];
    /** Cosine: per row, what turns the row (scaled by its power of two) into its unit row. */
    private double[] unitScale = new double[0];
    /** Cosine: the mean unit row the unit rows were centred on, and c_i = (1 - |u_i|^2) / 2 with class totals. */
    private float[] unitMean = new float[0];
    private double[] unitMeanSum = new double[0];
    /** Cosine: each row chunk's float sum of its unit rows (the blocks of the mean). */
    private float[] chunkUnitSums = new float[0];
    private double[] normCorrection = new double[0];
    private double[] classCorrection = new double[0];
    /** Cosine: whether any row is below the norm floor (else every c_i is exactly 0). */
    private boolean anyBelowFloor;
    /** From the sums the rows give to the sums in the caller's units: invScale^2, or 1/2 for cosine. */
    private double sumsScale;
    /** Squared Euclidean: the shift the rows are centred on. */
    private float[] shift = new float[0];
    private double[] shiftSum = new double[0];
    /** Squared Euclidean: the power of two the centred rows are multiplied by (2^-exponent). */
    private float rowScale;
    private float[] coef = new float[0];
    /** Squared Euclidean: the class sums {@code n_k m_k} in float, the B operand of the gradient product. */
    private float[] classTotals = new float[0];
    /**
     * The row stride of {@link #classTotals}: dp, or one cache line more where dp is a multiple of two lines, so that
     * a slice of dimensions across the K rows does not map onto a few L1 sets (the gradient product reads it so).
     */
    private int totalsStride;
    /** Per row chunk and class, the sum of the chunk's coef column (reduced in chunk order into T_c). */
    private double[] chunkClassTotals = new double[0];
    private float[] rowAlpha = new float[0];
    /**
     * The classes with a non-zero coefficient in each row, [row][q] (row stride kp), and their count. With a small
     * temperature most softmin weights underflow, so a row's coefficients are mostly exact zeros; the backward products
     * then run over the listed classes only, which adds the same terms in the same order (a zero term adds nothing).
     * A row whose every class is non-zero (count K) is not listed: its list is {@link #allClasses}.
     */
    private int[] nonzeroClasses = new int[0];
    private int[] nonzeroCounts = new int[0];
    /** 0, 1, ..., kp - 1: the list of a row whose every coefficient is non-zero. */
    private int[] allClasses = new int[0];
    private boolean sparseClassSums;
    private float[] classWeights = new float[0];
    /** The partial class-weighted sums of row blocks 1, 2, ... (block 0 writes {@link #classWeights}), kRows x dp each. */
    private float[] classWeightParts = new float[0];
    private int classSumBlocks;
    private int chunksPerClassSumBlock;
    private double[] classWeightTotals = new double[0];
    private final double[][] statsSums;
    private final float[][] statsBlock;
    private final float[][] rowBlocks;
    private final double[][] sumsScratch;
    private final double[][] derivatives;
    private final double[][] rowScratch;
    private final float[][] unitRows;
    /** One row of the batch, for the shift's sample. */
    private final FloatArraySegment sampleRow = new FloatArraySegment();
    /** Per worker, a block of rows of one slice of x, packed contiguously: the B operand of the class sums. */
    private final float[][] packedRows;

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
        unitRows = new float[w][0];
        packedRows = new float[w][0];
    }

    double compute(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
                   MemorySegment silhouettesOut, MemorySegment gradientOut) {
        this.cosine = metric == Metric.COSINE;
        return compute(batch, tau, weight, rowWeights, silhouettesOut, gradientOut);
    }

    @Override
    double compute(PreparedBatch batch, double tau, double weight, MemorySegment rowWeights,
                   MemorySegment silhouettesOut, MemorySegment gradientOut) {
        data.loadShape(batch, 4);
        this.tau = tau;
        this.weight = weight;
        this.rowWeights = rowWeights;
        this.gradientOut = gradientOut;
        this.gradient = gradientOut != null;
        targetGradient(gradientOut);
        int n = data.n;
        int k = data.k;
        int dp = data.dp;
        int npad = data.npad;
        kp = SortedBatch.roundUp(k, lanes);
        kRows = SortedBatch.roundUp(k, 4);
        kd = SortedBatch.roundUp(k, ops.doubleLanes());
        int centreRows = Math.max(kp, kRows);
        prepareOutputs();

        int workers = pool.size();
        for (int w = 0; w < workers; w++) {
            statsSums[w] = SortedBatch.growOwn(statsSums[w], dp);
            statsBlock[w] = SortedBatch.growOwn(statsBlock[w], dp);
        }
        if (cosine) {
            rowNorms = SortedBatch.grow(rowNorms, npad);
            unitScale = SortedBatch.grow(unitScale, npad);
            normCorrection = SortedBatch.grow(normCorrection, npad);
            classCorrection = SortedBatch.grow(classCorrection, k);
            unitMean = SortedBatch.grow(unitMean, dp);
            unitMeanSum = SortedBatch.grow(unitMeanSum, dp);
            chunkUnitSums = SortedBatch.grow(chunkUnitSums, rowChunks() * dp);
        }
        rowSquares = SortedBatch.grow(rowSquares, n);
        shift = SortedBatch.grow(shift, dp);
        shiftSum = SortedBatch.grow(shiftSum, dp);
        centres = SortedBatch.grow(centres, centreRows * dp);
        centresPacked = SortedBatch.grow(centresPacked, kp * dp);
        scatter = SortedBatch.grow(scatter, kd);
        Arrays.fill(scatter, k, kd, 0.0);
        classSizes = SortedBatch.grow(classSizes, kd);
        for (int c = 0; c < k; c++) {
            classSizes[c] = data.offsets[c + 1] - data.offsets[c];
        }
        Arrays.fill(classSizes, k, kd, 0.0);
        Arrays.fill(centres, k * dp, centreRows * dp, 0f);
        if (gradient) {
            totalsStride = dp % 32 == 0 ? dp + 16 : dp;
            classTotals = SortedBatch.grow(classTotals, k * totalsStride);
        }
        workersWanted = workersFor((double) n * kp * data.d);
        gatherRowsInPhase();
        if (!cosine) {
            sampleShift();
        }
        runPhase(LOAD_ROWS, rowChunks());
        if (cosine) {
            unitMean();
            sumsScale = 0.5;
        } else {
            rowScale = powerOfTwoFromChunks();
            sumsScale = data.invScale * data.invScale;
        }
        runPhase(STATISTICS, k);
        anyBelowFloor = false;
        if (cosine) {
            for (int c = 0; c < k; c++) {
                anyBelowFloor |= classCorrection[c] != 0.0;
            }
        }
        centreNorms = SortedBatch.grow(centreNorms, kp);
        for (int c = 0; c < k; c++) {
            centreNorms[c] = ops.dot(centres, c * dp, centres, c * dp, dp);
        }
        Arrays.fill(centreNorms, k, kp, 0f);
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
            rowBlocks[w] = SortedBatch.growOwn(rowBlocks[w], ROW_CHUNK * Math.max(kp, dp));
            sumsScratch[w] = SortedBatch.growOwn(sumsScratch[w], data.rowScratch); // padded: the row math reads whole vectors
            derivatives[w] = SortedBatch.growOwn(derivatives[w], k);
            rowScratch[w] = SortedBatch.growOwn(rowScratch[w], data.rowScratch);
            unitRows[w] = SortedBatch.growOwn(unitRows[w], cosine ? dp : 0);
            packedRows[w] = SortedBatch.growOwn(packedRows[w], gradient ? CLASS_SUMS_ROWS * 4 * lanes : 0);
        }
        growGradientRows(dp);
        if (gradient) {
            coef = SortedBatch.grow(coef, npad * kp);
            chunkClassTotals = SortedBatch.grow(chunkClassTotals, rowChunks() * kd);
            nonzeroClasses = SortedBatch.grow(nonzeroClasses, n * kp);
            nonzeroCounts = SortedBatch.grow(nonzeroCounts, n);
            if (allClasses.length < kp) {
                allClasses = new int[kp];
                for (int c = 0; c < kp; c++) { // a loop, not setAll: a lambda spins a class in a JVM's first call
                    allClasses[c] = c;
                }
            }
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

        runPhase(ROWS, rowChunks());
        if (gradient) {
            long nonzeros = 0;
            for (int p = 0; p < n; p++) {
                nonzeros += nonzeroCounts[p];
            }
            sparseClassSums = nonzeros * 8 <= (long) n * k; // a data-dependent choice, never a thread-dependent one
            int chunks = rowChunks();
            chunksPerClassSumBlock = Math.max(LEAST_CHUNKS_PER_BLOCK,
                    (chunks + MOST_CLASS_SUM_BLOCKS - 1) / MOST_CLASS_SUM_BLOCKS);
            classSumBlocks = (chunks + chunksPerClassSumBlock - 1) / chunksPerClassSumBlock;
            classWeightParts = SortedBatch.grow(classWeightParts, (classSumBlocks - 1) * kRows * dp);
            runPhase(CLASS_SUMS, classSumBlocks + 1);
            if (classSumBlocks > 1) {
                runPhase(REDUCE_CLASS_SUMS, k);
            }
            runPhase(GRADIENT, rowChunks());
        }
        this.rowWeights = null;
        this.gradientOut = null;
        targetGradient(null); // the caller's array is not held between calls
        return finish(silhouettesOut);
    }

    @Override
    void runPhase(int phase, int worker, int workers) {
        int item;
        switch (phase) {
            case LOAD_ROWS -> {
                while ((item = claims.next(worker)) >= 0) {
                    loadRows(item, worker);
                }
            }
            case STATISTICS -> {
                while ((item = claims.next(worker)) >= 0) {
                    classRows(item);
                    classStatistics(item, worker);
                }
            }
            case ROWS -> {
                while ((item = claims.next(worker)) >= 0) {
                    rows(item, worker);
                }
            }
            case CLASS_SUMS -> {
                while ((item = claims.next(worker)) >= 0) {
                    if (item == classSumBlocks) {
                        classWeightTotals();
                    } else {
                        classWeightedSums(item, worker);
                    }
                }
            }
            case REDUCE_CLASS_SUMS -> {
                while ((item = claims.next(worker)) >= 0) {
                    addClassWeightParts(item);
                }
            }
            case GRADIENT -> {
                while ((item = claims.next(worker)) >= 0) {
                    gradientRows(item, worker);
                }
            }
            default -> throw new IllegalStateException("phase " + phase);
        }
    }

    /**
     * Squared Euclidean: the shift the rows are centred on, the mean of at most about {@link #SHIFT_SAMPLE} rows evenly
     * spaced in the caller's order (any shift is exact in the math, by translation invariance; one near the centre
     * removes the cancellation of the expanded forms far from the origin), summed in double on the caller.
     */
    private void sampleShift() {
        int n = data.n;
        int d = data.d;
        int dp = data.dp;
        float[] row = sampleRow.grow(d);
        MemorySegment source = data.source();
        Arrays.fill(shiftSum, 0, dp, 0.0);
        int step = Math.max(1, n / SHIFT_SAMPLE);
        int rows = 0;
        for (int i = 0; i < n; i += step, rows++) {
            sampleRow.read(source, (long) i * d, 0, d);
            for (int t = 0; t < d; t++) {
                shiftSum[t] += row[t];
            }
        }
        for (int t = 0; t < dp; t++) {
            shift[t] = (float) (shiftSum[t] / rows); // padding columns stay 0
        }
    }

    /**
     * One chunk of rows from the batch. Cosine: each row to unit length (scaled by its own power of two first, so its
     * norm neither overflows nor underflows; norms floored in the caller's units) and the chunk's sum of unit rows;
     * squared Euclidean: each row less the shift, and the chunk's largest magnitude (the scale is applied by the
     * statistics phase, once the batch's largest is known).
     */
    private void loadRows(int chunk, int worker) {
        int dp = data.dp;
        float[] x = data.x;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(data.n, from + ROW_CHUNK);
        gatherChunk(from, to);
        if (cosine) {
            for (int p = from; p < to; p++) {
                int exponent = SortedBatch.scaleExponent(ops.maxAbs(x, p * dp, dp));
                if (Math.abs(exponent) <= UNSCALED_EXPONENT) {
                    exponent = 0;
                }
                if (exponent != 0) {
                    ops.scale(x, p * dp, (p + 1) * dp, Math.scalb(1.0f, -exponent));
                }
                double invScale = Math.scalb(1.0, exponent);
                double norm = Math.sqrt(ops.dot(x, p * dp, x, p * dp, dp)) * invScale;
                boolean belowFloor = !(norm >= Metric.COSINE_NORM_FLOOR);
                double floored = belowFloor ? Metric.COSINE_NORM_FLOOR : norm;
                rowNorms[p] = floored;
                unitScale[p] = invScale / floored;
                // Above the floor |u_i| = 1 by construction: the correction is exactly 0, not rounding noise.
                normCorrection[p] = belowFloor ? 0.5 * (1.0 - unitSquare(x, p * dp, data.d, unitScale[p])) : 0.0;
            }
            // This chunk's float sum of its unit rows, row by row: one block of the mean unit row. The rows stay
            // scaled by their power of two only; the statistics phase makes them unit rows and centres them at once.
            float[] blockSum = statsBlock[worker];
            Arrays.fill(blockSum, 0, dp, 0f);
            for (int p = from; p < to; p++) {
                ops.scaleShifted(x, p * dp, data.d, unitScale[p], data.zeroRow, blockSum, 0, true);
            }
            System.arraycopy(blockSum, 0, chunkUnitSums, chunk * dp, dp);
        } else {
            centreChunk(chunk, from, to, shift);
        }
    }

    /** |u|^2 in double of the row at {@code from} times {@code unit}. */
    private static double unitSquare(float[] x, int from, int d, double unit) {
        double sq = 0.0;
        for (int t = 0; t < d; t++) {
            double v = x[from + t] * unit;
            sq += v * v;
        }
        return sq;
    }

    /**
     * Cosine, after the unit rows: their mean, from the chunks' float block sums accumulated in double in chunk order
     * (deterministic). The statistics phase centres each class's rows on it: |u_i - u_j| is translation invariant,
     * and centring removes what nearly parallel rows share.
     */
    private void unitMean() {
        int n = data.n;
        int dp = data.dp;
        Arrays.fill(unitMeanSum, 0, dp, 0.0);
        for (int chunk = 0, chunks = rowChunks(); chunk < chunks; chunk++) {
            for (int t = 0; t < dp; t++) {
                unitMeanSum[t] += chunkUnitSums[chunk * dp + t];
            }
        }
        for (int t = 0; t < dp; t++) {
            unitMean[t] = (float) (unitMeanSum[t] / n);
        }
    }

    /**
     * One class's rows in their final form, and their squared norms. A method of its own, so that each compiled
     * method stays small: with this in {@link #classStatistics}, one fresh JVM in 16 boxed vectors on every call
     * (COSINE 1024 x 512 x 100); apart, none in 46.
     */
    private void classRows(int c) {
        int dp = data.dp;
        float[] x = data.x;
        int[] offsets = data.offsets;
        if (cosine) {
            // Centre the class's unit rows on the mean unit row, their squared norms, and the class's c_i total.
            double correction = 0.0;
            // Each element rounded once from double: a float unit row rounded before the subtraction would carry
            // errors of its own size (~|u| 2^-24) into differences of nearly parallel rows, which are far smaller
            // (rows far from the origin whose directions differ by 1e-4: s_i off by more than 1e-4).
            for (int p = offsets[c]; p < offsets[c + 1]; p++) {
                ops.scaleShifted(x, p * dp, data.d, unitScale[p], unitMean, x, p * dp, false);
                rowSquares[p] = ops.dot(x, p * dp, x, p * dp, dp);
                correction += normCorrection[p];
            }
            classCorrection[c] = correction;
        } else {
            // The batch's power of two (exact), then the squared norms.
            for (int p = offsets[c]; p < offsets[c + 1]; p++) {
                if (rowScale != 1f) {
                    ops.scale(x, p * dp, (p + 1) * dp, rowScale);
                }
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
        for (int t = 0; t < dp; t++) {
            centres[c * dp + t] = (float) (classSums[t] / size);
        }
        if (gradient) {
            for (int t = 0; t < dp; t++) {
                classTotals[c * totalsStride + t] = (float) classSums[t];
            }
        }
        double w = 0.0;
        for (int p = offsets[c]; p < offsets[c + 1]; p++) {
            w += ops.squaredDistance(x, p * dp, centres, c * dp, dp);
        }
        scatter[c] = w;
    }

    private void rows(int chunk, int worker) {
        int dp = data.dp;
        float[] x = data.x;
        float[] block = rowBlocks[worker];
        int panelStride = dp * lanes;
        int from = chunk * ROW_CHUNK;
        int to = Math.min(data.n, from + ROW_CHUNK);
        double total = 0.0;
        int chunkTOff = chunk * kd;
        if (gradient) {
            Arrays.fill(chunkClassTotals, chunkTOff, chunkTOff + kd, 0.0);
        }
        // The chunk's products first, then its rows: the products pass over every class panel, which would push the
        // row math's arrays out of L1 before each group of rows. Groups of six rows, then of four (rows are padded to
        // a multiple of four): each class panel loaded from L2 then serves six rows' FMAs rather than four.
        int rows = SortedBatch.roundUp(to - from, 4);
        int sixEnd = from + 6 * SortedBatch.sixRowGroups(rows, ops.widestProduct());
        for (int p0 = from; p0 < from + rows; p0 += p0 < sixEnd ? 6 : 4) {
            // block = <x_p, centre_c> for the group's rows and every class: one FMA per element (the Gram form)
            for (int v = 0, panels = kp / lanes; v < panels; ) {
                int vectors = SortedBatch.productVectors(panels - v, ops.widestProduct());
                if (p0 < sixEnd) {
                    ops.multiplyAdd6(vectors, x, p0 * dp, dp, 1, centresPacked, v * panelStride, panelStride, lanes,
                            data.d, block, (p0 - from) * kp + v * lanes, kp, false);
                } else {
                    ops.multiplyAdd(vectors, x, p0 * dp, dp, 1, centresPacked, v * panelStride, panelStride, lanes,
                            data.d, block, (p0 - from) * kp + v * lanes, kp, false);
                }
                v += vectors;
            }
        }
        for (int p = from; p < to; p++) {
            total += rowTerms(p, block, (p - from) * kp, worker, chunkTOff);
        }
        chunkTotals[chunk] = total;
    }

    /**
     * One row's silhouette from its Gram row {@code gram[gramOff..]} and, with the gradient, its coefficients. A
     * method of its own rather than part of {@link #rows}: compiled apart from the products, the vector code it calls
     * stays within the JIT's inlining budget (vectors that cross a call the JIT declines to inline are boxed).
     */
    private double rowTerms(int p, float[] gram, int gramOff, int worker, int chunkTOff) {
        int k = data.k;
        int own = data.classOf[p];
        int[] offsets = data.offsets;
        double[] sums = sumsScratch[worker];
        double[] derivative = gradient ? derivatives[worker] : null;
        double unitsSquared = sumsScale;
        // |x_p - m_c|^2 = |x_p|^2 + |m_c|^2 - 2 <x_p, m_c>, recomputed directly where it is small next to the norms;
        // cosine: unit rows carry float rounding (about 2^-24 per component), so |u_i - u_j|^2 / 2 of parallel rows
        // is noise below about 2^-45: sums under 2^-40 per pair are exactly 0, as the reference has them, so
        // all-parallel data keeps s_i = 0.
        ops.classSums(gram, gramOff, rowSquares[p], centreNorms, classSizes, scatter, unitsSquared,
                cosine ? COSINE_PARALLEL : 0.0, own, k, data.x, p * data.dp, centres, data.dp, sums);
        if (cosine && (normCorrection[p] != 0.0 || anyBelowFloor)) {
            // Rows below the norm floor: c_i + c_j per pair (each term is exactly 0 above the floor).
            double ci = normCorrection[p];
            for (int c = 0; c < k; c++) {
                int pairs = offsets[c + 1] - offsets[c] - (c == own ? 1 : 0);
                sums[c] += pairs * ci + classCorrection[c] - (c == own ? ci : 0.0);
            }
        }
        double s = ops.rowSilhouette(own, sums, 0, k, offsets, data.inverseSizes, tau, derivative,
                rowScratch[worker]);
        silhouettes[p] = (float) s;
        if (gradient) {
            // Squared Euclidean: coefficients with respect to the sums in the scaled units (the caller's divided by
            // invScale^2), so that 1e-20 or 1e18 data keeps them in float range; the gradient factor undoes it.
            // Cosine sums carry no units.
            double w = -data.rowWeight(weight, rowWeights, p) * unitsSquared;
            int coefRow = p * kp;
            rowAlpha[p] = (float) ops.rowCoefficients(w, derivative, k, coef, coefRow, chunkClassTotals, chunkTOff,
                    classSizes, rowScratch[worker]); // every column up to kp
            // Dense rows (every class, as cosine's usually are) are counted, not listed: the lists would be written
            // for nothing, a row of ints each.
            int count = ops.nonzeroCount(coef, coefRow, kp);
            if (count < k) {
                ops.nonzeroIndices(coef, coefRow, kp, nonzeroClasses, coefRow);
            }
            nonzeroCounts[p] = count;
        }
        return s;
    }

    /**
     * One row block's part of U_c = sum_j coef[j][c] x_j, for every class: block 0 into {@link #classWeights}, the
     * others into their own part of {@link #classWeightParts}. One slice of dimensions (up to four vectors) at a time,
     * so that the slice of the sums (kRows rows) stays in L1.
     */
    private void classWeightedSums(int block, int worker) {
        int dp = data.dp;
        int from = block * chunksPerClassSumBlock * ROW_CHUNK;
        int to = Math.min(data.n, from + chunksPerClassSumBlock * ROW_CHUNK);
        float[] sums = block == 0 ? classWeights : classWeightParts;
        int sumsOff = block == 0 ? 0 : (block - 1) * kRows * dp;
        float[] x = data.x;
        for (int slice = 0; slice < dimensionChunks; slice++) {
            int t = chunkStart[slice];
            int vectors = chunkVectorCount[slice];
            int width = vectors * lanes;
            if (sparseClassSums) {
                for (int c = 0; c < kRows; c++) {
                    Arrays.fill(sums, sumsOff + c * dp + t, sumsOff + c * dp + t + width, 0f);
                }
                for (int j = from; j < to; j++) {
                    int row = j * kp;
                    int[] list = listOf(j);
                    int listOff = listStart(j);
                    for (int q = 0, count = nonzeroCounts[j]; q < count; q++) {
                        int c = list[listOff + q];
                        ops.multiplyAccumulate(coef[row + c], x, j * dp + t, sums, sumsOff + c * dp + t, width);
                    }
                }
                continue;
            }
            // Blocks of rows: the block's slice of x, packed contiguously (rows dp apart would share a few L1 sets),
            // stays in L1 while every group of six, then four, classes passes over it; each block's products are
            // added to the sums of the blocks before it (a fixed order).
            float[] packed = packedRows[worker];
            int sixEnd = 6 * SortedBatch.sixRowGroups(kRows, ops.widestProduct());
            for (int j0 = from; j0 < to; j0 += CLASS_SUMS_ROWS) {
                int rows = Math.min(CLASS_SUMS_ROWS, to - j0);
                for (int j = 0; j < rows; j++) {
                    System.arraycopy(x, (j0 + j) * dp + t, packed, j * width, width);
                }
                for (int c0 = 0; c0 < kRows; c0 += c0 < sixEnd ? 6 : 4) {
                    if (c0 < sixEnd) {
                        ops.multiplyAdd6(vectors, coef, j0 * kp + c0, 1, kp, packed, 0, lanes, width, rows, sums,
                                sumsOff + c0 * dp + t, dp, j0 > from);
                    } else {
                        ops.multiplyAdd(vectors, coef, j0 * kp + c0, 1, kp, packed, 0, lanes, width, rows, sums,
                                sumsOff + c0 * dp + t, dp, j0 > from);
                    }
                }
            }
        }
    }

    /** U_c: the row blocks' partial sums added to block 0's, in block order. */
    private void addClassWeightParts(int c) {
        int dp = data.dp;
        for (int block = 1; block < classSumBlocks; block++) {
            ops.add(classWeights, c * dp, classWeightParts, ((block - 1) * kRows + c) * dp, dp);
        }
    }

    /** T_c = sum_j coef[j][c]: the row chunks' partial sums, in chunk order. */
    private void classWeightTotals() {
        int k = data.k;
        int chunks = rowChunks();
        for (int c = 0; c < k; c++) {
            double total = 0.0;
            for (int chunk = 0; chunk < chunks; chunk++) {
                total += chunkClassTotals[chunk * kd + c];
            }
            classWeightTotals[c] = total;
        }
    }

    /**
     * Turns {@code g = dL/du_i} of the difference form into {@code dL/dx_i}: less {@code u_i} times the row's pair
     * weights when the row is below the norm floor (its c_i depends on u_i), projected by {@code (I - u_i u_i^T)}
     * and divided by {@code max(|x_i|, 1e-12)}.
     */
    private void toCosineGradient(int p, float alpha, float[] g, float[] u, float[] target, int targetOff) {
        int d = data.d;
        int dp = data.dp;
        float[] x = data.x;
        boolean belowFloor = normCorrection[p] != 0.0;
        if (belowFloor) {
            for (int t = 0; t < d; t++) {
                u[t] = x[p * dp + t] + unitMean[t];
            }
            // sum over j != i of the pair weights: alpha = (sum_k coef_ik n_k + T_own) in halved units counts the
            // row with itself once from each side; 2 (alpha - 2 coef_i,own) is the sum in full units without it.
            double pairWeights = 2.0 * (alpha - 2.0 * coef[p * kp + data.classOf[p]]);
            for (int t = 0; t < d; t++) {
                g[t] -= (float) (pairWeights * u[t]);
            }
        }
        // Above the floor u_i is a unit row up to float rounding: project onto the complement of the u_i we actually
        // hold (divide by |u_i|^2), so the gradient stays orthogonal to x_i to rounding.
        ops.projectOut(g, 0, x, p * dp, unitMean, dp, !belowFloor, (float) (1.0 / rowNorms[p]), target, targetOff,
                d);
    }

    private void gradientRows(int chunk, int worker) {
        int n = data.n;
        int dp = data.dp;
        float[] x = data.x;
        float[] block = rowBlocks[worker];
        float[] g = gradientRow(worker);
        float[] target = gradientTarget(worker);
        int from = chunk * ROW_CHUNK;
        int to = Math.min(n, from + ROW_CHUNK);
        // Coefficients are in the rows' own units (see rows): scaled rows, or unit rows for cosine.
        float factor = (float) (cosine ? 2.0 : 2.0 / data.invScale);
        // block rows: sum_k coef_ik (n_k m_k | S_k). Groups of four rows with few non-zero coefficients run over the
        // listed classes; the others as products, one slice of dimensions for every group at a time, so that the
        // slice of the class totals (K rows of up to four vectors) stays in L1.
        float[] b = classTotals;
        boolean anyDense = false;
        for (int p0 = from; p0 < to; p0 += 4) {
            if (listedGroup(p0, to)) {
                for (int p = p0; p < Math.min(p0 + 4, to); p++) {
                    ops.sparseMultiply(coef, p * kp, listOf(p), listStart(p), nonzeroCounts[p], b, totalsStride,
                            block, (p - from) * dp, dp);
                }
            } else {
                anyDense = true;
            }
        }
        if (anyDense) {
            for (int t = 0; t < dp; ) {
                int vectors = SortedBatch.productVectors((dp - t) / lanes, ops.widestProduct());
                for (int p0 = from; p0 < to; p0 += 4) {
                    if (!listedGroup(p0, to)) {
                        ops.multiplyAdd(vectors, coef, p0 * kp, kp, 1, b, t, lanes, totalsStride, data.k, block,
                                (p0 - from) * dp + t, dp, false);
                    }
                }
                t += vectors * lanes;
            }
        }
        for (int p = from; p < to; p++) {
            int own = data.classOf[p];
            float alpha = (float) (rowAlpha[p] + classWeightTotals[own]);
            int targetOff = gradientTargetOffset(p);
            if (cosine) {
                ops.gradientRow(factor, alpha, x, p * dp, block, (p - from) * dp, classWeights, own * dp, g, 0, dp);
                toCosineGradient(p, alpha, g, unitRows[worker], target, targetOff);
            } else {
                ops.gradientRow(factor, alpha, x, p * dp, block, (p - from) * dp, classWeights, own * dp, target,
                        targetOff, data.d);
            }
            finishGradientRow(gradientOut, p, worker);
        }
    }

    /** The array listing row p's non-zero classes from {@link #listStart}: nonzeroClasses, or allClasses. */
    private int[] listOf(int p) {
        return nonzeroCounts[p] == data.k ? allClasses : nonzeroClasses;
    }

    /** Where row p's list starts in {@link #listOf}: p * kp, or 0 in {@link #allClasses}. */
    private int listStart(int p) {
        return nonzeroCounts[p] == data.k ? 0 : p * kp;
    }

    /** Whether the group of four rows from {@code p0} lists at most K non-zero coefficients in all (a data choice). */
    private boolean listedGroup(int p0, int to) {
        int listed = 0;
        for (int p = p0; p < Math.min(p0 + 4, to); p++) {
            listed += nonzeroCounts[p];
        }
        return listed <= data.k;
    }
}
