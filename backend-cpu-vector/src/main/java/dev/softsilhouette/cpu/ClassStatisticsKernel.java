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
    private static final int PREPARE_ROWS = 0;
    private static final int STATISTICS = 1;
    private static final int ROWS = 2;
    private static final int CLASS_SUMS = 3;
    private static final int GRADIENT = 4;
    private static final int STATS_BLOCK = 64;
    /** Per pair, the cosine distance below which unit rows are parallel up to float rounding (2^-40). */
    private static final double COSINE_PARALLEL = 0x1p-40;
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

    /** Class means of the (scaled, or centred unit) rows, row-major, kp rows of dp. */
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
    private double[] rowNorms = new double[0];
    /** Cosine: the mean unit row the unit rows were centred on, and c_i = (1 - |u_i|^2) / 2 with class totals. */
    private float[] unitMean = new float[0];
    private double[] unitMeanSum = new double[0];
    private double[] normCorrection = new double[0];
    private double[] classCorrection = new double[0];
    /** From the sums the rows give to the sums in the caller's units: invScale^2, or 1/2 for cosine. */
    private double sumsScale;
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
    private final float[][] unitRows;

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
        unitRows = new float[w][0];
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
            rowNorms = SortedBatch.grow(rowNorms, npad);
            normCorrection = SortedBatch.grow(normCorrection, npad);
            classCorrection = SortedBatch.grow(classCorrection, k);
            unitMean = SortedBatch.grow(unitMean, dp);
            unitMeanSum = SortedBatch.grow(unitMeanSum, dp);
        }
        rowSquares = SortedBatch.grow(rowSquares, n);
        sumsScale = cosine ? 0.5 : data.invScale * data.invScale;
        centres = SortedBatch.grow(centres, centreRows * dp);
        centresPacked = SortedBatch.grow(centresPacked, kp * dp);
        scatter = SortedBatch.grow(scatter, k);
        Arrays.fill(centres, k * dp, centreRows * dp, 0f);
        if (gradient) {
            classTotals = SortedBatch.grow(classTotals, k * dp);
        }
        workersWanted = workersFor((double) n * kp * data.d);
        runPhase(PREPARE_ROWS);
        if (cosine) {
            centreUnitRows();
        }
        runPhase(STATISTICS);
        centreNorms = SortedBatch.grow(centreNorms, k);
        for (int c = 0; c < k; c++) {
            centreNorms[c] = ops.dot(centres, c * dp, centres, c * dp, dp);
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
            unitRows[w] = SortedBatch.grow(unitRows[w], cosine ? dp : 0);
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
                boolean belowFloor = !(norm >= Metric.COSINE_NORM_FLOOR);
                double floored = belowFloor ? Metric.COSINE_NORM_FLOOR : norm;
                rowNorms[p] = floored;
                ops.scale(x, p * dp, (p + 1) * dp, (float) (data.invScale / floored));
                // Above the floor |u_i| = 1 by construction: the correction is exactly 0, not rounding noise.
                normCorrection[p] = belowFloor ? 0.5 * (1.0 - ops.dot(x, p * dp, x, p * dp, dp)) : 0.0;
            } else {
                rowSquares[p] = ops.dot(x, p * dp, x, p * dp, dp);
            }
        }
    }

    /**
     * Cosine, after the unit rows: centre them on their mean (|u_i - u_j| is translation invariant; centring removes
     * what nearly parallel rows share), then their squared norms and the class totals of the corrections. In row
     * order, once per call: O(N*D), deterministic.
     */
    private void centreUnitRows() {
        int n = data.n;
        int dp = data.dp;
        float[] x = data.x;
        // Float partial sums over short blocks of rows, accumulated in double (as the class statistics).
        float[] blockSum = statsBlock[0];
        Arrays.fill(unitMeanSum, 0, dp, 0.0);
        for (int a = 0; a < n; a += STATS_BLOCK) {
            ops.sumRows(x, a * dp, Math.min(n, a + STATS_BLOCK) - a, dp, dp, blockSum);
            for (int t = 0; t < dp; t++) {
                unitMeanSum[t] += blockSum[t];
            }
        }
        for (int t = 0; t < dp; t++) {
            unitMean[t] = (float) (unitMeanSum[t] / n);
            blockSum[t] = -unitMean[t]; // padding columns stay 0
        }
        for (int p = 0; p < n; p++) {
            ops.add(x, p * dp, blockSum, 0, dp);
            rowSquares[p] = ops.dot(x, p * dp, x, p * dp, dp);
        }
        int[] offsets = data.offsets;
        for (int c = 0; c < data.k; c++) {
            double total = 0.0;
            for (int p = offsets[c]; p < offsets[c + 1]; p++) {
                total += normCorrection[p];
            }
            classCorrection[c] = total;
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
                classTotals[c * dp + t] = (float) classSums[t];
            }
        }
        double w = 0.0;
        for (int p = offsets[c]; p < offsets[c + 1]; p++) {
            w += ops.squaredDistance(x, p * dp, centres, c * dp, dp);
        }
        scatter[c] = w;
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
        double unitsSquared = sumsScale;
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
                {
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
                    double ci = normCorrection[p];
                    for (int c = 0; c < k; c++) {
                        int pairs = offsets[c + 1] - offsets[c] - (c == own ? 1 : 0);
                        // Unit rows carry float rounding (about 2^-24 per component), so |u_i - u_j|^2 / 2 of
                        // parallel rows is noise below about 2^-45: treat sums under 2^-40 per pair as exactly 0,
                        // as the reference has them, so all-parallel data keeps s_i = 0.
                        if (sums[c] <= pairs * COSINE_PARALLEL) {
                            sums[c] = 0.0;
                        }
                        sums[c] += pairs * ci + classCorrection[c] - (c == own ? ci : 0.0);
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
                    double w = -data.rowWeight(weight, rowWeights, p) * unitsSquared;
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
                        alpha += value * (double) (offsets[c + 1] - offsets[c]); // sum_k coef_ik n_k
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

    /**
     * Turns {@code g = dL/du_i} of the difference form into {@code dL/dx_i}: less {@code u_i} times the row's pair
     * weights when the row is below the norm floor (its c_i depends on u_i), projected by {@code (I - u_i u_i^T)}
     * and divided by {@code max(|x_i|, 1e-12)}.
     */
    private void toCosineGradient(int p, float alpha, float[] g, float[] u) {
        int d = data.d;
        int dp = data.dp;
        float[] x = data.x;
        for (int t = 0; t < d; t++) {
            u[t] = x[p * dp + t] + unitMean[t];
        }
        if (normCorrection[p] != 0.0) {
            // sum over j != i of the pair weights: alpha = (sum_k coef_ik n_k + T_own) in halved units counts the
            // row with itself once from each side; 2 (alpha - 2 coef_i,own) is the sum in full units without it.
            double pairWeights = 2.0 * (alpha - 2.0 * coef[p * kp + data.classOf[p]]);
            for (int t = 0; t < d; t++) {
                g[t] -= (float) (pairWeights * u[t]);
            }
        }
        double along = 0.0;
        double length = 0.0;
        for (int t = 0; t < d; t++) {
            along += (double) u[t] * g[t];
            length += (double) u[t] * u[t];
        }
        if (normCorrection[p] == 0.0 && length > 0.0) {
            // u_i is a unit row up to float rounding: project onto the complement of the u_i we actually hold, so
            // the gradient stays orthogonal to x_i to rounding (for d = 1 it is exactly the zero it should be).
            along /= length;
        }
        double inverseNorm = 1.0 / rowNorms[p];
        for (int t = 0; t < d; t++) {
            g[t] = (float) ((g[t] - along * u[t]) * inverseNorm);
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
        // Coefficients are in the rows' own units (see rows): scaled rows, or unit rows for cosine.
        float factor = (float) (cosine ? 2.0 : 2.0 / data.invScale);
        for (int p0 = from; p0 < to; p0 += 4) {
            // block rows: sum_k coef_ik (n_k m_k | S_k)
            float[] b = classTotals;
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
                float alpha = (float) (rowAlpha[p] + classWeightTotals[own]);
                ops.scaledDifference(factor, alpha, x, p * dp, block, r * dp, out, 0, data.d);
                if (cosine) {
                    toCosineGradient(p, alpha, out, unitRows[worker]);
                }
                writeGradientRow(gradientOut, p, out);
            }
        }
    }
}
