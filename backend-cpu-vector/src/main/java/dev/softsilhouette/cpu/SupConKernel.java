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
 * <p>Work is cut into blocks of {@code width} rows; a block runs over the column tiles one at a time and, within a
 * column tile, over its 4-row groups (a register-blocked product), so the tile's packed columns are read from cache by
 * every row group of the block instead of streaming the whole batch past each group. Forward: per row an online
 * log-sum-exp (running maximum, sum of exponentials rescaled when the maximum grows) and the sum of its positives'
 * similarities (its class is a contiguous run of columns). With the silhouette, the same tile rows are also reduced
 * into per-class sums of cosine distances {@code 1 - <z_i, z_j>}, one vector sum per class run, and the shared per-row
 * silhouette math turns them into coefficients. Backward: each block recomputes its tiles, turns them into the pair
 * weights {@code B_ij = a_i p_ij + a_j p_ji - L_i[y_j] - L_j[y_i]} and multiplies them by the column rows:
 * {@code dL/dz_i = sum_j B_ij z_j}, then back through the normalisation. {@code L_i[c]} gathers what is linear in the
 * pair: the positives' {@code a_i/|P(i)|} at {@code c = y_i}, and the silhouette's {@code coef_i[c]}. Each block
 * writes only its own rows, every row's terms arrive in column order, so blocks run in parallel with no reduction
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
    /** Column tile width (the widest product's vectors), also the rows of a block. */
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
    /** Per row across the column tiles: running maximum, sum of exponentials below it, sum of positives. */
    private double[] runningMax = new double[0];
    private double[] expSums = new double[0];
    private double[] positiveSums = new double[0];
    private float[] logSumExpF = new float[0];
    /** a_i = w_i (T/T_b)/T for anchors with a positive, else 0 (padding rows 0). */
    private float[] anchorWeights = new float[0];
    private double[] losses = new double[0];
    private double[] silhouettes = new double[0];
    /** Row-side sums of cosine distances, [row][class] (silhouette only). */
    private double[] sums = new double[0];
    /** The linear part of the pair weights {@code L_i[c]}: [row][class + 1] and [class + 1][row] (padding 0). */
    private float[] linear = new float[0];
    private float[] linearT = new float[0];
    /** The gradient, class order, row stride dp: written to the caller only once every block has finished. */
    private final FloatArraySegment gradientSorted = new FloatArraySegment();
    /** One gradient row in the caller's order (the split plan's sum). */
    private final FloatArraySegment rowBuffer = new FloatArraySegment();
    private final float[][] tiles;
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
        derivatives = new double[w][0];
        rowScratch = new double[w][0];
    }

    /** SupCon alone: returns {@code sum_i l_i}; losses and gradient as {@code SupConBackend.supConAndGradient}. */
    double supCon(PreparedBatch batch, SupConTemperatures t, double weight, MemorySegment rowWeights,
                  MemorySegment lossesOut, MemorySegment gradientOut) {
        run(batch, t, weight, rowWeights, gradientOut != null, false, 0.0, 0.0);
        if (lossesOut != null) {
            for (int p = 0; p < data.n; p++) {
                lossesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, data.sortedRows[p], (float) losses[p]);
            }
        }
        if (gradientOut != null) {
            writeGradient(gradientOut);
        }
        return lossTotal();
    }

    /**
     * SupCon's {@code sum_i l_i}, its gradient (each row weighted by {@code weight}) added to what {@code gradientOut}
     * holds: the hybrid's split plan, after the silhouette has written its gradient there.
     */
    double supConAdded(PreparedBatch batch, SupConTemperatures t, double weight, MemorySegment gradientOut) {
        run(batch, t, weight, null, gradientOut != null, false, 0.0, 0.0);
        if (gradientOut != null) {
            int d = data.d;
            int dp = data.dp;
            for (int p = 0; p < data.n; p++) {
                long at = (long) data.sortedRows[p] * d;
                rowBuffer.read(gradientOut, at, 0, d);
                ops.add(rowBuffer.array(), 0, gradientSorted.array(), p * dp, d);
                rowBuffer.write(0, gradientOut, at, d);
            }
        }
        return lossTotal();
    }

    private double lossTotal() {
        double total = 0.0;
        for (int p = 0; p < data.n; p++) {
            total += losses[p];
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
        data.load(batch, width);
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
        runningMax = SortedBatch.grow(runningMax, npad);
        expSums = SortedBatch.grow(expSums, npad);
        positiveSums = SortedBatch.grow(positiveSums, npad);
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
        SortedBatch.packColumnPanels(z, panels, 0, npad, dp, lanes);
        Arrays.fill(anchorWeights, 0, npad, 0f);
        Arrays.fill(logSumExpF, n, npad, 0f);
        int kc = k + 1;
        if (gradient) {
            gradientSorted.grow(npad * dp);
            rowBuffer.grow(dp);
            linear = SortedBatch.grow(linear, npad * kc + lanes); // subtractLinear reads up to a vector past a row
            linearT = SortedBatch.grow(linearT, kc * npad);
            Arrays.fill(linear, 0, npad * kc, 0f);
            Arrays.fill(linearT, 0, kc * npad, 0f);
        }
        if (silhouette) {
            silhouettes = SortedBatch.grow(silhouettes, n);
            sums = SortedBatch.grow(sums, n * k + data.rowScratch);
            Arrays.fill(sums, 0, n * k, 0.0);
        }
        int workers = pool.size();
        for (int w = 0; w < workers; w++) {
            tiles[w] = SortedBatch.growOwn(tiles[w], QUAD * width);
            derivatives[w] = SortedBatch.growOwn(derivatives[w], k);
            rowScratch[w] = SortedBatch.growOwn(rowScratch[w], data.rowScratch);
        }
        int wanted = (double) n * n * data.d < 2.0e5 ? 1 : workers;
        runPhase(FORWARD, wanted);
        if (silhouette || gradient) {
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
        int blocks = data.npad / width; // every block holds at least one real row
        for (int b = next.getAndIncrement(); b < blocks; b = next.getAndIncrement()) {
            int first = b * width;
            int last = Math.min(data.n, first + width);
            switch (phase) {
                case FORWARD -> forwardBlock(worker, first, last);
                case ROWS -> rowTerms(worker, first, last);
                default -> backwardBlock(worker, first, last);
            }
        }
    }

    /** tile[r][0..width) = <z_{i0+r}, z_{j0+c}>. */
    private void similarities(float[] tile, int i0, int j0) {
        int dp = data.dp;
        ops.multiplyAdd(ops.widestProduct(), z, i0 * dp, dp, 1, panels, j0 * dp, lanes * dp, lanes, data.d, tile, 0,
                width, false);
    }

    private void forwardBlock(int worker, int first, int last) {
        float[] tile = tiles[worker];
        for (int i = first; i < last; i++) {
            runningMax[i] = Double.NEGATIVE_INFINITY;
            expSums[i] = 0.0;
            positiveSums[i] = 0.0;
        }
        // Column tiles outermost: the tile's panels stay in cache while every row group of the block reads them.
        for (int j0 = 0; j0 < data.npad; j0 += width) {
            for (int i0 = first; i0 < last; i0 += QUAD) {
                similarities(tile, i0, j0);
                for (int r = 0, rows = Math.min(QUAD, last - i0); r < rows; r++) {
                    forwardRow(tile, r * width, i0 + r, j0);
                }
            }
        }
        int[] offsets = data.offsets;
        for (int i = first; i < last; i++) {
            int own = data.classOf[i];
            int positives = offsets[own + 1] - offsets[own] - 1;
            double lse = runningMax[i] + Math.log(expSums[i]);
            logSumExpF[i] = (float) lse;
            if (positives == 0) {
                losses[i] = 0.0; // no positive: l_i = 0, as in SupContrast's losses.py
            } else {
                losses[i] = lossScale * (lse - positiveSums[i] / positives);
                anchorWeights[i] = (float) (data.rowWeight(weight, rowWeights, i) * lossScale * invT);
            }
        }
    }

    /** One row of a forward tile: the silhouette's class sums, the positives and the online log-sum-exp. */
    private void forwardRow(float[] tile, int off, int i, int j0) {
        int end = Math.min(width, data.n - j0);
        int[] classOf = data.classOf;
        int[] offsets = data.offsets;
        int base = off - j0; // tile index of column j
        if (silhouette) {
            // Per-class sums of 1 - cos along the class runs of the columns, the diagonal left out.
            int row = i * data.k;
            for (int a = j0, c = classOf[j0]; a < j0 + end; c++) {
                int b = Math.min(offsets[c + 1], j0 + end);
                sums[row + c] += runSum(true, tile, base, a, b, i);
                a = b;
            }
        }
        ops.scale(tile, off, off + width, invT);
        int own = classOf[i];
        int lo = Math.max(offsets[own], j0);
        int hi = Math.min(offsets[own + 1], j0 + end);
        if (lo < hi) {
            positiveSums[i] += runSum(false, tile, base, lo, hi, i);
        }
        if (i >= j0 && i < j0 + width) {
            tile[base + i] = Float.NEGATIVE_INFINITY;
        }
        Arrays.fill(tile, off + end, off + width, Float.NEGATIVE_INFINITY); // padding columns
        float tileMax = ops.max(tile, off, width);
        double m = runningMax[i];
        if (tileMax > m) {
            expSums[i] *= Math.exp(m - tileMax);
            m = tileMax;
            runningMax[i] = m;
        }
        if (m > Double.NEGATIVE_INFINITY) {
            expSums[i] += ops.sumExp(tile, off, width, (float) m);
        }
    }

    /** The vector sum of tile columns [from, to) (cosine distances or the values), column {@code skip} left out. */
    private double runSum(boolean distances, float[] tile, int base, int from, int to, int skip) {
        if (skip < from || skip >= to) {
            return part(distances, tile, base + from, base + to);
        }
        return (double) part(distances, tile, base + from, base + skip)
                + part(distances, tile, base + skip + 1, base + to);
    }

    private float part(boolean distances, float[] tile, int from, int to) {
        return distances ? ops.cosineDistanceSum(tile, from, to) : ops.sum(tile, from, to);
    }

    /**
     * Rows [from, to): the silhouette from their per-class sums, and for the backward the linear part of their pair
     * weights, {@code L_i[c] = [c = y_i] a_i/|P(i)| + dL_silhouette/d sums[i][c]}.
     */
    private void rowTerms(int worker, int from, int to) {
        int k = data.k;
        int kc = k + 1;
        int npad = data.npad;
        int[] offsets = data.offsets;
        double[] derivative = derivatives[worker];
        for (int i = from; i < to; i++) {
            if (silhouette) {
                silhouettes[i] = ops.rowSilhouette(data.classOf[i], sums, i * k, k, offsets, data.inverseSizes,
                        silhouetteTau, gradient ? derivative : null, rowScratch[worker]);
            }
            if (!gradient) {
                continue;
            }
            int own = data.classOf[i];
            int positives = offsets[own + 1] - offsets[own] - 1;
            for (int c = 0; c < k; c++) {
                double v = silhouette ? -silhouetteWeight * derivative[c] : 0.0;
                if (c == own && positives > 0) {
                    v += (double) anchorWeights[i] / positives;
                }
                linear[i * kc + c] = (float) v;
            }
        }
        if (gradient) {
            SortedBatch.classMajor(linear, kc, linearT, npad, k, from, to);
        }
    }

    private void backwardBlock(int worker, int first, int last) {
        int npad = data.npad;
        int dp = data.dp;
        int kc = data.k + 1;
        int[] classOf = data.classOf;
        float[] tile = tiles[worker];
        Arrays.fill(gradientSorted.array(), first * dp, (first + width) * dp, 0f);
        for (int j0 = 0; j0 < npad; j0 += width) {
            int end = Math.min(width, data.n - j0);
            for (int i0 = first; i0 < last; i0 += QUAD) {
                similarities(tile, i0, j0);
                int rows = Math.min(QUAD, last - i0);
                for (int r = 0; r < QUAD; r++) {
                    int i = i0 + r;
                    int off = r * width;
                    if (r >= rows) {
                        Arrays.fill(tile, off, off + width, 0f); // a padding anchor: no gradient row
                        continue;
                    }
                    ops.contrastWeights(tile, off, width, invT, logSumExpF[i], anchorWeights[i], logSumExpF,
                            anchorWeights, j0);
                    ops.subtractLinear(tile, off, width, linear, i * kc, classOf, j0, linearT,
                            classOf[i] * npad + j0);
                    if (i >= j0 && i < j0 + width) {
                        tile[off + i - j0] = 0f;
                    }
                    Arrays.fill(tile, off + end, off + width, 0f);
                }
                for (int v = 0, vectors = dp / lanes; v < vectors; ) {
                    int count = SortedBatch.productVectors(vectors - v, ops.widestProduct());
                    ops.multiplyAdd(count, tile, 0, width, 1, z, j0 * dp + v * lanes, lanes, dp, width,
                            gradientSorted.array(), i0 * dp + v * lanes, dp, true);
                    v += count;
                }
            }
        }
        for (int i = first; i < last; i++) {
            throughNormalisation(i);
        }
    }

    /** dL/dx_i from dL/dz_i in place: {@code (g - <g, z_i> z_i) / |x_i|}, or {@code g / 1e-12} below the floor. */
    private void throughNormalisation(int i) {
        int dp = data.dp;
        int off = i * dp;
        float[] g = gradientSorted.array();
        double inverse = inverseNorms[i];
        if (inverse >= 0) {
            float radial = ops.dot(g, off, z, off, dp);
            for (int c = 0; c < dp; c++) {
                g[off + c] = (float) ((g[off + c] - radial * z[off + c]) * inverse);
            }
        } else {
            for (int c = 0; c < dp; c++) {
                g[off + c] = (float) (g[off + c] * -inverse);
            }
        }
    }

    /** The gradient rows, class order, to the caller's order. */
    private void writeGradient(MemorySegment gradientOut) {
        int d = data.d;
        int dp = data.dp;
        for (int p = 0; p < data.n; p++) {
            gradientSorted.write(p * dp, gradientOut, (long) data.sortedRows[p] * d, d);
        }
    }
}
