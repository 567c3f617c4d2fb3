package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.parallel.ParallelTask;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend.HybridTerms;
import dev.softsilhouette.spi.SupConBackend.SupConTemperatures;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SupCon (SPEC section 11), and optionally the soft silhouette under {@code COSINE} beside it, from tiles of the Gram
 * matrix of the normalised, class-sorted rows; never an N x N buffer.
 *
 * <p>Forward: each block of rows runs over every column tile (a 4-row register-blocked product), keeping per row an
 * online log-sum-exp (running maximum, sum of exponentials rescaled when the maximum grows) and the sum of its
 * positives' similarities (its class is a contiguous run of columns). With the silhouette, the same tile rows are
 * also reduced into per-class sums of cosine distances {@code 1 - <z_i, z_j>}, and the shared per-row silhouette math
 * turns them into coefficients. Backward: each block recomputes its tiles, turns them into the pair weights
 * {@code B_ij = a_i (p_ij - [j in P(i)]/|P(i)|) + a_j (p_ji - [i in P(j)]/|P(j)|)} (plus the silhouette's
 * {@code -(coef_i[y_j] + coef_j[y_i])}) and multiplies them by the column rows: {@code dL/dz_i = sum_j B_ij z_j}, then
 * back through the normalisation. Each block writes only its own rows, so blocks run in parallel with no reduction
 * across them and the bits do not depend on the thread count. Memory: O(N*D + N*K + tile per worker).
 */
final class SupConKernel implements ParallelTask {
    private static final int FORWARD = 0;
    private static final int ROWS = 1;
    private static final int BACKWARD = 2;
    /** Rows of the register-blocked product. */
    private static final int QUAD = 4;

    private final SortedBatch data;
    private final WorkerPool pool;
    private final SimdOps ops;
    private final int lanes;
    /** Column tile width: the widest product's vectors. */
    private final int width;
    private final AtomicInteger next = new AtomicInteger();
    private int phase;

    // Per call.
    private float invT;
    private double lossScale;
    private double weight;
    private MemorySegment rowWeights;
    private boolean gradient;
    private boolean silhouette;
    private double silhouetteTau;
    private double silhouetteWeight;

    // Workspace, reused across calls.
    /** Normalised rows, class order, padded; and the same rows packed as column panels (the product's B operand). */
    private float[] z = new float[0];
    private float[] panels = new float[0];
    /** {@code 1/|x_i|} in the input's units, or {@code -1e12} for a row below the norm floor (see backward). */
    private double[] inverseNorms = new double[0];
    private double[] logSumExp = new double[0];
    private float[] logSumExpF = new float[0];
    /** a_i = w_i (T/T_b)/T for anchors with a positive, else 0 (padding rows 0). */
    private float[] anchorWeights = new float[0];
    private double[] losses = new double[0];
    private double[] silhouettes = new double[0];
    /** Row-side sums of cosine distances, [row][class] (silhouette only). */
    private double[] sums = new double[0];
    /** dL/d sums as floats: [row][class] and [class][row]. */
    private float[] coef = new float[0];
    private float[] coefT = new float[0];
    /** The gradient, class order, row stride dp: written to the caller only once every block has finished. */
    private float[] gradientSorted = new float[0];
    private final float[][] tiles;
    private final float[][] gradientRows;
    private final double[][] derivatives;
    private final double[][] rowScratch;

    SupConKernel(SortedBatch data, WorkerPool pool) {
        this.data = data;
        this.pool = pool;
        this.ops = data.ops;
        this.lanes = ops.lanes();
        this.width = ops.widestProduct() * lanes;
        int w = pool.size();
        tiles = new float[w][0];
        gradientRows = new float[w][0];
        derivatives = new double[w][0];
        rowScratch = new double[w][0];
    }

    /** SupCon alone: returns {@code sum_i l_i}; losses and gradient as {@code SupConBackend.supConAndGradient}. */
    double supCon(PreparedBatch batch, SupConTemperatures t, double weight, MemorySegment rowWeights,
                  MemorySegment lossesOut, MemorySegment gradientOut) {
        run(batch, t, weight, rowWeights, gradientOut != null, false, 0.0, 0.0);
        double total = 0.0;
        for (int p = 0; p < data.n; p++) {
            total += losses[p];
        }
        if (lossesOut != null) {
            for (int p = 0; p < data.n; p++) {
                lossesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, data.sortedRows[p], (float) losses[p]);
            }
        }
        if (gradientOut != null) {
            writeGradient(gradientOut);
        }
        return total;
    }

    /** The hybrid objective, as {@code SupConBackend.hybridAndGradient}. */
    double hybrid(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut) {
        run(batch, terms.temperatures(), terms.supConWeight(), null, gradientOut != null, true,
                terms.silhouetteTau(), terms.silhouetteWeight());
        double supCon = 0.0;
        double silhouetteSum = 0.0;
        for (int p = 0; p < data.n; p++) {
            supCon += losses[p];
            silhouetteSum += silhouettes[p];
        }
        if (gradientOut != null) {
            writeGradient(gradientOut);
        }
        return terms.supConWeight() * supCon + terms.silhouetteWeight() * (data.n - silhouetteSum);
    }

    private void run(PreparedBatch batch, SupConTemperatures t, double weight, MemorySegment rowWeights,
                     boolean gradient, boolean silhouette, double silhouetteTau, double silhouetteWeight) {
        // No centring: a shift would change the directions. The power-of-two scale does not.
        data.load(batch, width, false);
        int n = data.n;
        int npad = data.npad;
        int dp = data.dp;
        int k = data.k;
        this.invT = (float) (1.0 / t.temperature());
        this.lossScale = t.scale();
        this.weight = weight;
        this.rowWeights = rowWeights;
        this.gradient = gradient;
        this.silhouette = silhouette;
        this.silhouetteTau = silhouetteTau;
        this.silhouetteWeight = silhouetteWeight;

        z = SortedBatch.grow(z, npad * dp);
        panels = SortedBatch.grow(panels, npad * dp);
        inverseNorms = SortedBatch.grow(inverseNorms, npad);
        logSumExp = SortedBatch.grow(logSumExp, npad);
        logSumExpF = SortedBatch.grow(logSumExpF, npad);
        anchorWeights = SortedBatch.grow(anchorWeights, npad);
        losses = SortedBatch.grow(losses, npad);
        float[] x = data.x;
        double floor = dev.softsilhouette.Metric.COSINE_NORM_FLOOR / data.invScale; // the floor in scaled units
        for (int p = 0; p < npad; p++) {
            double norm = Math.sqrt(ops.dot(x, p * dp, x, p * dp, dp));
            double divisor = Math.max(norm, floor);
            float f = (float) (1.0 / divisor);
            for (int c = 0; c < dp; c++) {
                z[p * dp + c] = x[p * dp + c] * f;
            }
            inverseNorms[p] = norm >= floor ? 1.0 / (norm * data.invScale) : -1.0 / (floor * data.invScale);
        }
        SortedBatch.packColumnPanels(z, panels, npad, dp, lanes);
        if (gradient) {
            gradientSorted = SortedBatch.grow(gradientSorted, n * dp);
        }
        Arrays.fill(anchorWeights, 0, npad, 0f);
        Arrays.fill(logSumExpF, n, npad, 0f);
        if (silhouette) {
            silhouettes = SortedBatch.grow(silhouettes, n);
            sums = SortedBatch.grow(sums, n * k + data.rowScratch);
            Arrays.fill(sums, 0, n * k, 0.0);
            int kc = k + 1;
            coef = SortedBatch.grow(coef, npad * kc);
            coefT = SortedBatch.grow(coefT, kc * npad);
            Arrays.fill(coef, 0, npad * kc, 0f);
            Arrays.fill(coefT, 0, kc * npad, 0f);
        }
        int workers = pool.size();
        for (int w = 0; w < workers; w++) {
            tiles[w] = SortedBatch.grow(tiles[w], QUAD * width);
            gradientRows[w] = SortedBatch.grow(gradientRows[w], QUAD * dp);
            derivatives[w] = SortedBatch.grow(derivatives[w], k);
            rowScratch[w] = SortedBatch.grow(rowScratch[w], data.rowScratch);
        }
        int wanted = (double) n * n * data.d < 2.0e5 ? 1 : workers;
        runPhase(FORWARD, wanted);
        if (silhouette) {
            runPhase(ROWS, wanted);
        }
        if (gradient) {
            runPhase(BACKWARD, wanted);
        }
        this.rowWeights = null;
    }

    private void runPhase(int phase, int workers) {
        this.phase = phase;
        next.set(0);
        pool.run(this, workers);
    }

    @Override
    public void run(int worker, int workers) {
        int blocks = data.npad / width;
        if (phase == ROWS) {
            int chunks = (data.n + width - 1) / width;
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                silhouetteRows(worker, c * width, Math.min(data.n, (c + 1) * width));
            }
            return;
        }
        for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
            for (int i0 = b * width; i0 < (b + 1) * width && i0 < data.n; i0 += QUAD) {
                if (phase == FORWARD) {
                    forwardQuad(worker, i0);
                } else {
                    backwardQuad(worker, i0);
                }
            }
        }
    }

    /** tile[r][0..width) = <z_{i0+r}, z_{j0+c}>. */
    private void similarities(float[] tile, int i0, int j0) {
        int dp = data.dp;
        ops.multiplyAdd(ops.widestProduct(), z, i0 * dp, dp, 1, panels, j0 * dp, lanes * dp, lanes, data.d, tile, 0,
                width, false);
    }

    private void forwardQuad(int worker, int i0) {
        int n = data.n;
        int npad = data.npad;
        int k = data.k;
        int[] classOf = data.classOf;
        int[] offsets = data.offsets;
        float[] tile = tiles[worker];
        double[] max = rowScratch[worker]; // QUAD running maxima, sums of exponentials, positive sums
        int rows = Math.min(QUAD, n - i0);
        for (int r = 0; r < rows; r++) {
            max[r] = Double.NEGATIVE_INFINITY;
            max[QUAD + r] = 0.0;
            max[2 * QUAD + r] = 0.0;
        }
        for (int j0 = 0; j0 < npad; j0 += width) {
            similarities(tile, i0, j0);
            int end = Math.min(width, n - j0);
            for (int r = 0; r < rows; r++) {
                int i = i0 + r;
                int off = r * width;
                int own = classOf[i];
                if (silhouette) {
                    // Per-class sums of 1 - cos along the class runs of the columns (the diagonal's 1 - 1 is 0 up to
                    // rounding: it is left out).
                    int base = i * k;
                    int c = classOf[j0];
                    for (int j = j0; j < j0 + end; ) {
                        int runEnd = Math.min(offsets[c + 1], j0 + end);
                        double s = 0.0;
                        for (int q = j; q < runEnd; q++) {
                            if (q != i) {
                                s += 1.0 - tile[off + q - j0];
                            }
                        }
                        sums[base + c] += s;
                        j = runEnd;
                        c++;
                    }
                }
                ops.scale(tile, off, off + width, invT);
                if (i >= j0 && i < j0 + width) {
                    tile[off + i - j0] = Float.NEGATIVE_INFINITY;
                }
                for (int q = end; q < width; q++) {
                    tile[off + q] = Float.NEGATIVE_INFINITY; // padding columns
                }
                int lo = Math.max(offsets[own], j0);
                int hi = Math.min(offsets[own + 1], j0 + end);
                double positives = 0.0;
                for (int q = lo; q < hi; q++) {
                    if (q != i) {
                        positives += tile[off + q - j0];
                    }
                }
                max[2 * QUAD + r] += positives;
                float tileMax = ops.max(tile, off, width);
                double m = max[r];
                if (tileMax > m) {
                    max[QUAD + r] *= Math.exp(m - tileMax);
                    m = tileMax;
                    max[r] = m;
                }
                if (m > Double.NEGATIVE_INFINITY) {
                    max[QUAD + r] += ops.sumExp(tile, off, width, (float) m);
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int i = i0 + r;
            int own = classOf[i];
            int positives = offsets[own + 1] - offsets[own] - 1;
            double lse = max[r] + Math.log(max[QUAD + r]);
            logSumExp[i] = lse;
            logSumExpF[i] = (float) lse;
            if (positives == 0) {
                losses[i] = 0.0; // no positive: l_i = 0, as in SupContrast's losses.py
            } else {
                losses[i] = lossScale * (lse - max[2 * QUAD + r] / positives);
                anchorWeights[i] = (float) (data.rowWeight(weight, rowWeights, i) * lossScale * invT);
            }
        }
    }

    /** The silhouette of rows [from, to) from their per-class sums; coefficients {@code dL/d sums} for the backward. */
    private void silhouetteRows(int worker, int from, int to) {
        int k = data.k;
        int kc = k + 1;
        int npad = data.npad;
        double[] derivative = gradient ? derivatives[worker] : null;
        for (int i = from; i < to; i++) {
            double s = ops.rowSilhouette(data.classOf[i], sums, i * k, k, data.offsets, data.inverseSizes,
                    silhouetteTau, derivative, rowScratch[worker]);
            silhouettes[i] = s;
            if (derivative != null) {
                for (int c = 0; c < k; c++) {
                    float v = (float) (-silhouetteWeight * derivative[c]);
                    coef[i * kc + c] = v;
                    coefT[c * npad + i] = v;
                }
            }
        }
    }

    private void backwardQuad(int worker, int i0) {
        int n = data.n;
        int npad = data.npad;
        int dp = data.dp;
        int kc = data.k + 1;
        int[] classOf = data.classOf;
        int[] offsets = data.offsets;
        float[] tile = tiles[worker];
        float[] g = gradientRows[worker];
        int rows = Math.min(QUAD, n - i0);
        Arrays.fill(g, 0, QUAD * dp, 0f);
        for (int j0 = 0; j0 < npad; j0 += width) {
            similarities(tile, i0, j0);
            int end = Math.min(width, n - j0);
            for (int r = 0; r < QUAD; r++) {
                int i = i0 + r;
                int off = r * width;
                if (r >= rows) {
                    Arrays.fill(tile, off, off + width, 0f); // a padding anchor: no gradient row
                    continue;
                }
                int own = classOf[i];
                ops.contrastWeights(tile, off, width, invT, logSumExpF[i], anchorWeights[i], logSumExpF,
                        anchorWeights, j0);
                int lo = Math.max(offsets[own], j0);
                int hi = Math.min(offsets[own + 1], j0 + end);
                int positives = offsets[own + 1] - offsets[own] - 1;
                if (positives > 0) {
                    float ai = anchorWeights[i];
                    for (int q = lo; q < hi; q++) {
                        tile[off + q - j0] -= (ai + anchorWeights[q]) / positives;
                    }
                }
                if (silhouette) {
                    // d_ij = 1 - cos_ij: dL/dcos_ij = -(coef_i[y_j] + coef_j[y_i]), along the class runs.
                    int c = classOf[j0];
                    for (int j = j0; j < j0 + end; ) {
                        int runEnd = Math.min(offsets[c + 1], j0 + end);
                        float rowCoef = coef[i * kc + c];
                        int colBase = own * npad;
                        for (int q = j; q < runEnd; q++) {
                            tile[off + q - j0] -= rowCoef + coefT[colBase + q];
                        }
                        j = runEnd;
                        c++;
                    }
                }
                if (i >= j0 && i < j0 + width) {
                    tile[off + i - j0] = 0f;
                }
                for (int q = end; q < width; q++) {
                    tile[off + q] = 0f;
                }
            }
            for (int v = 0, vectors = dp / lanes; v < vectors; ) {
                int count = SortedBatch.productVectors(vectors - v, ops.widestProduct());
                ops.multiplyAdd(count, tile, 0, width, 1, z, j0 * dp + v * lanes, lanes, dp, width, g, v * lanes,
                        dp, true);
                v += count;
            }
        }
        for (int r = 0; r < rows; r++) {
            throughNormalisation(g, r * dp, i0 + r);
        }
    }

    /** dL/dx_i from dL/dz_i in place: {@code (g - <g, z_i> z_i) / |x_i|}, or {@code g / 1e-12} below the floor. */
    private void throughNormalisation(float[] g, int off, int i) {
        int dp = data.dp;
        double inverse = inverseNorms[i];
        if (inverse >= 0) {
            float radial = ops.dot(g, off, z, i * dp, dp);
            for (int c = 0; c < dp; c++) {
                g[off + c] = (float) ((g[off + c] - radial * z[i * dp + c]) * inverse);
            }
        } else {
            for (int c = 0; c < dp; c++) {
                g[off + c] = (float) (g[off + c] * -inverse);
            }
        }
        System.arraycopy(g, off, gradientSorted, i * dp, dp);
    }

    /** The gradient rows, class order, to the caller's order. */
    private void writeGradient(MemorySegment gradientOut) {
        int d = data.d;
        int dp = data.dp;
        for (int p = 0; p < data.n; p++) {
            MemorySegment.copy(gradientSorted, p * dp, gradientOut, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (long) data.sortedRows[p] * d * Float.BYTES, d);
        }
    }
}
