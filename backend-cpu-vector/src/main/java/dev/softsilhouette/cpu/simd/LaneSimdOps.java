package dev.softsilhouette.cpu.simd;

import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.SilhouetteMath;

/**
 * {@link VectorSimdOps} written with plain loops, lane by lane: the same IEEE operations on the same lanes in the same
 * order (the same accumulators, the same fixed lane-sum tree, the same polynomial exponentials), so every method
 * returns the same bits as its vector twin of the same shape. It exists for the first calls of a JVM: until C2 has
 * compiled the Vector API code, every vector is a heap object and a call is tens of times slower than these loops,
 * which the interpreter and C1 run well. {@code LaneCodeTest} checks the bit identity, by method and by whole kernels.
 *
 * <p>Thread-safe: the lane accumulators of the sums and dot products live in a per-thread scratch array.
 */
public final class LaneSimdOps implements SimdOps {
    private final int lanes;
    private final int doubleLanes;
    private final int widest;
    private final String describe;
    private final ThreadLocal<float[]> accumulators;
    /** The two double lane accumulators of {@link #rowSilhouette} (softmin weights, weighted means). */
    private final ThreadLocal<double[]> doubleAccumulators;

    /** The shape of {@code twin}: its lanes, double lanes and widest product. */
    public LaneSimdOps(SimdOps twin) {
        this.lanes = twin.lanes();
        if (lanes % 4 != 0) { // the products go four or eight lanes at a time; 128 bits is the narrowest shape we run
            throw new IllegalArgumentException("float lanes not a multiple of 4: " + lanes);
        }
        this.doubleLanes = twin.doubleLanes();
        this.widest = twin.widestProduct();
        this.describe = twin.describe() + " (plain loops)";
        int size = 4 * lanes; // the most any method keeps: four vector accumulators (dot, squaredDistance, ...)
        // Subclasses, not withInitial: a fresh JVM would spin a class for each lambda, and this code serves its start.
        this.accumulators = new ThreadLocal<>() {
            @Override
            protected float[] initialValue() {
                return new float[size];
            }
        };
        int doubles = 2 * doubleLanes;
        this.doubleAccumulators = new ThreadLocal<>() {
            @Override
            protected double[] initialValue() {
                return new double[doubles];
            }
        };
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public int widestProduct() {
        return widest;
    }

    @Override
    public int doubleLanes() {
        return doubleLanes;
    }

    /**
     * {@code c (+)= a * b} for the rows x vectors register block of the vector micro-kernels: each sum from 0 in l
     * order by FMA, as their accumulators, so the same bits. Formed a few lanes at a time, each lane's sum in a local
     * over the whole loop, by methods of their own: invoked many times in a JVM's first products, they are compiled
     * within the first of them (the loops around them would wait in the interpreter for a whole product method to
     * be compiled), and compiled their independent chains run about twice as fast as sums kept in memory.
     */
    private void product(int rows, int vectors, float[] a, int aOff, int aRowStride, int aLoopStride, float[] b,
                         int bOff, int bVectorStride, int bLoopStride, int count, float[] c, int cOff, int cRowStride,
                         boolean accumulate) {
        int L = lanes;
        int group = L % 8 == 0 ? 8 : 4;
        for (int r = 0; r < rows; r++) {
            int ar = aOff + r * aRowStride;
            int cr = cOff + r * cRowStride;
            for (int v = 0; v < vectors; v++) {
                int bv = bOff + v * bVectorStride;
                int cv = cr + v * L;
                for (int lane = 0; lane < L; lane += group) {
                    if (group == 8) {
                        laneSums8(a, ar, aLoopStride, b, bv + lane, bLoopStride, count, c, cv + lane, accumulate);
                    } else {
                        laneSums4(a, ar, aLoopStride, b, bv + lane, bLoopStride, count, c, cv + lane, accumulate);
                    }
                }
            }
        }
    }

    private static void laneSums8(float[] a, int ai, int aStep, float[] b, int bi, int bStep, int count, float[] c,
                                  int ci, boolean accumulate) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        for (int l = 0; l < count; l++, ai += aStep, bi += bStep) {
            float x = a[ai];
            s0 = Math.fma(b[bi], x, s0);
            s1 = Math.fma(b[bi + 1], x, s1);
            s2 = Math.fma(b[bi + 2], x, s2);
            s3 = Math.fma(b[bi + 3], x, s3);
            s4 = Math.fma(b[bi + 4], x, s4);
            s5 = Math.fma(b[bi + 5], x, s5);
            s6 = Math.fma(b[bi + 6], x, s6);
            s7 = Math.fma(b[bi + 7], x, s7);
        }
        store(s0, c, ci, accumulate);
        store(s1, c, ci + 1, accumulate);
        store(s2, c, ci + 2, accumulate);
        store(s3, c, ci + 3, accumulate);
        store(s4, c, ci + 4, accumulate);
        store(s5, c, ci + 5, accumulate);
        store(s6, c, ci + 6, accumulate);
        store(s7, c, ci + 7, accumulate);
    }

    private static void laneSums4(float[] a, int ai, int aStep, float[] b, int bi, int bStep, int count, float[] c,
                                  int ci, boolean accumulate) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        for (int l = 0; l < count; l++, ai += aStep, bi += bStep) {
            float x = a[ai];
            s0 = Math.fma(b[bi], x, s0);
            s1 = Math.fma(b[bi + 1], x, s1);
            s2 = Math.fma(b[bi + 2], x, s2);
            s3 = Math.fma(b[bi + 3], x, s3);
        }
        store(s0, c, ci, accumulate);
        store(s1, c, ci + 1, accumulate);
        store(s2, c, ci + 2, accumulate);
        store(s3, c, ci + 3, accumulate);
    }

    private static void store(float sum, float[] c, int ci, boolean accumulate) {
        c[ci] = accumulate ? sum + c[ci] : sum;
    }

    @Override
    public void multiplyAdd(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                            int bVectorStride, int bLoopStride, int count, float[] c, int cOff, int cRowStride,
                            boolean accumulate) {
        product(4, vectors, a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                cRowStride, accumulate);
    }

    @Override
    public void multiplyAdd6(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                             int bVectorStride, int bLoopStride, int count, float[] c, int cOff, int cRowStride,
                             boolean accumulate) {
        product(6, vectors, a, aOff, aRowStride, aLoopStride, b, bOff, bVectorStride, bLoopStride, count, c, cOff,
                cRowStride, accumulate);
    }

    /** The vector lane sum: lane i += lane i + h for h = L/2, ..., 1 (the folds of {@link VectorSimdOps}). */
    private float foldedSum(float[] s, int off) {
        for (int h = lanes / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) {
                s[off + i] = s[off + i] + s[off + i + h];
            }
        }
        return s[off];
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
        int L = lanes;
        float[] s = accumulators.get();
        java.util.Arrays.fill(s, 0, 4 * L, 0f);
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) {
            for (int q = 0; q < 4 * L; q++) { // accumulator q / L, lane q % L
                s[q] = Math.fma(a[aOff + t + q], b[bOff + t + q], s[q]);
            }
        }
        int bound = len - len % L;
        for (; t < bound; t += L) {
            for (int lane = 0; lane < L; lane++) {
                s[lane] = Math.fma(a[aOff + t + lane], b[bOff + t + lane], s[lane]);
            }
        }
        for (int lane = 0; lane < L; lane++) { // s0.add(s1).add(s2.add(s3))
            s[lane] = (s[lane] + s[L + lane]) + (s[2 * L + lane] + s[3 * L + lane]);
        }
        float sum = foldedSum(s, 0);
        for (; t < len; t++) {
            sum = Math.fma(a[aOff + t], b[bOff + t], sum);
        }
        return sum;
    }

    @Override
    public float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len) {
        int L = lanes;
        float[] s = accumulators.get();
        java.util.Arrays.fill(s, 0, 4 * L, 0f);
        int t = 0;
        for (; t + 4 * L <= len; t += 4 * L) {
            for (int q = 0; q < 4 * L; q++) {
                float e = a[aOff + t + q] - b[bOff + t + q];
                s[q] = Math.fma(e, e, s[q]);
            }
        }
        int bound = len - len % L;
        for (; t < bound; t += L) {
            for (int lane = 0; lane < L; lane++) {
                float e = a[aOff + t + lane] - b[bOff + t + lane];
                s[lane] = Math.fma(e, e, s[lane]);
            }
        }
        for (int lane = 0; lane < L; lane++) {
            s[lane] = (s[lane] + s[L + lane]) + (s[2 * L + lane] + s[3 * L + lane]);
        }
        float sum = foldedSum(s, 0);
        for (; t < len; t++) {
            float e = a[aOff + t] - b[bOff + t];
            sum = Math.fma(e, e, sum);
        }
        return sum;
    }

    @Override
    public float sum(float[] a, int from, int to) {
        return laneSum(a, from, to, false);
    }

    @Override
    public float cosineDistanceSum(float[] a, int from, int to) {
        return laneSum(a, from, to, true);
    }

    /** {@code sum a[from..to)} or {@code sum (1 - a[from..to))} in the vector code's order. */
    private float laneSum(float[] a, int from, int to, boolean distances) {
        int L = lanes;
        float[] s = accumulators.get();
        java.util.Arrays.fill(s, 0, L, 0f);
        for (int t = from; t < to; t += L) {
            for (int lane = 0; lane < L; lane++) { // the masked tail adds 0 to the lanes past the end
                float v = t + lane < to ? a[t + lane] : 0f;
                s[lane] = s[lane] + (t + lane >= to ? 0f : distances ? 1f - v : v);
            }
        }
        return foldedSum(s, 0);
    }

    @Override
    public void sumRows(float[] a, int off, int rows, int stride, int len, float[] out) {
        for (int c = 0; c < len; c++) {
            float s = 0f;
            int p = off + c;
            for (int r = 0; r < rows; r++, p += stride) {
                s = s + a[p];
            }
            out[c] = s;
        }
    }

    @Override
    public void add(float[] a, int off, float[] b, int bOff, int len) {
        for (int t = 0; t < len; t++) {
            a[off + t] = a[off + t] + b[bOff + t];
        }
    }

    @Override
    public float subtractMaxAbs(float[] a, int off, float[] m, int len) {
        float max = 0f; // the vector version starts its lanes at 0; max is exact in any order
        for (int t = 0; t < len; t++) {
            float v = a[off + t] - m[t];
            a[off + t] = v;
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @Override
    public float maxAbs(float[] a, int off, int len) {
        float max = 0f;
        for (int t = 0; t < len; t++) {
            max = Math.max(max, Math.abs(a[off + t]));
        }
        return max;
    }

    @Override
    public void scale(float[] a, int from, int to, float factor) {
        for (int t = from; t < to; t++) {
            a[t] = a[t] * factor;
        }
    }

    @Override
    public void scaleShifted(float[] a, int off, int len, double scale, float[] shift, float[] out, int outOff,
                             boolean accumulate) {
        ScalarTails.scaleShifted(a, off, scale, shift, out, outOff, accumulate, 0, len);
    }

    @Override
    public void scaledDifference(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] out,
                                 int outOff, int len) {
        for (int t = 0; t < len; t++) {
            out[outOff + t] = Math.fma(x[xOff + t], alpha, -y[yOff + t]) * factor;
        }
    }

    @Override
    public void distancesFromGram(float[] tile, int off, int len, float sqI, float[] sq, int j0, float[] x,
                                  int iRowOff, int dimsStride, int dims) {
        int padded = roundUp(len, lanes); // the vector loops run whole vectors
        boolean anyClose = false;
        for (int c = 0; c < padded; c++) {
            float norms = sqI + sq[j0 + c];
            float d2 = Math.max(Math.fma(tile[off + c], -2f, norms), 0f);
            anyClose |= d2 < norms * (1.0f / 64);
            tile[off + c] = d2;
        }
        if (anyClose) {
            for (int c = 0; c < len; c++) {
                if (tile[off + c] < (sqI + sq[j0 + c]) * (1.0f / 64)) {
                    tile[off + c] = squaredDistance(x, iRowOff, x, (j0 + c) * dimsStride, dims);
                }
            }
        }
        for (int c = 0; c < padded; c++) {
            tile[off + c] = (float) Math.sqrt(tile[off + c]);
        }
    }

    @Override
    public float pairWeights(float[] tile, int off, int len, float[] rowCoef, int rowCoefOff, int[] classOf, int j0,
                             float[] colCoef, int colCoefOff, float[] columnSums) {
        int L = lanes;
        float[] rowSum = accumulators.get();
        java.util.Arrays.fill(rowSum, 0, L, 0f);
        for (int c = 0; c < len; c += L) {
            for (int lane = 0; lane < L; lane++) {
                float d = tile[off + c + lane];
                float coef = rowCoef[rowCoefOff + classOf[j0 + c + lane]] + colCoef[colCoefOff + c + lane];
                float w = d > 0f ? coef / d : 0f;
                tile[off + c + lane] = w;
                rowSum[lane] = rowSum[lane] + w;
                if (columnSums != null) {
                    columnSums[c + lane] = columnSums[c + lane] + w;
                }
            }
        }
        return foldedSum(rowSum, 0);
    }

    @Override
    public double rowSilhouette(int own, double[] sums, int sumsOff, int classes, int[] classOffsets,
                                double[] inverseSizes, double tau, double[] derivative, double[] scratch) {
        int DL = doubleLanes;
        int ownSize = classOffsets[own + 1] - classOffsets[own];
        double invTau = 1.0 / tau;
        if (tau != 0.0 && !(invTau < Double.POSITIVE_INFINITY)) {
            return SilhouetteMath.rowSilhouette(own, sums, sumsOff, classOffsets, tau, derivative, 0);
        }
        if (ownSize < 2 || classes < 2) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
            }
            return 0.0;
        }
        int padded = (classes + DL - 1) / DL * DL;
        int weightsOff = padded;
        double min = Double.POSITIVE_INFINITY;
        for (int c = 0; c < padded; c++) {
            boolean dead = c >= classes || c == own;
            double delta = dead ? Double.POSITIVE_INFINITY : sums[sumsOff + c] * inverseSizes[c];
            scratch[c] = delta;
            min = Math.min(min, delta);
        }
        double a = sums[sumsOff + own] / (ownSize - 1);

        double b;
        double z = 0.0;
        int argmin = -1;
        if (tau == 0.0) {
            b = min;
            for (int c = 0; c < classes; c++) {
                if (scratch[c] == min) {
                    argmin = c;
                    break;
                }
            }
        } else {
            // The vector version's lane accumulators: zs at [0, DL), weighted at [DL, 2 DL).
            double[] lanesAcc = doubleAccumulators.get();
            java.util.Arrays.fill(lanesAcc, 0.0);
            for (int c = 0; c < padded; c++) {
                int lane = c % DL;
                double delta = scratch[c];
                double x = (min - delta) * invTau;
                boolean dead = !(x >= VectorSimdOps.EXP_FLOOR);
                double e = dead ? 0.0 : exp(Math.max(x, VectorSimdOps.EXP_FLOOR));
                lanesAcc[lane] = lanesAcc[lane] + e;
                lanesAcc[DL + lane] = Math.fma(e, dead ? 0.0 : delta, lanesAcc[DL + lane]);
                scratch[weightsOff + c] = e;
            }
            z = storedLaneSum(lanesAcc, 0);
            b = storedLaneSum(lanesAcc, DL) / z;
            if (b < min) {
                b = min;
            }
        }

        double m = Math.max(a, b);
        if (m == 0.0) {
            if (derivative != null) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
            }
            return 0.0;
        }
        double s;
        double dsda;
        double dsdb;
        if (a < b) {
            s = 1.0 - a / b;
            dsda = -1.0 / b;
            dsdb = a / (b * b);
        } else {
            s = b / a - 1.0;
            dsda = -b / (a * a);
            dsdb = 1.0 / a;
        }
        if (derivative != null) {
            if (tau == 0.0) {
                java.util.Arrays.fill(derivative, 0, classes, 0.0);
                derivative[argmin] = dsdb * inverseSizes[argmin];
            } else {
                double factor = dsdb / z;
                for (int c = 0; c < classes; c++) {
                    double e = scratch[weightsOff + c];
                    boolean dead = e == 0.0;
                    double delta = dead ? b : scratch[c];
                    double dbd = (-((delta - b) * invTau) + 1.0) * e;
                    derivative[c] = dead ? 0.0 : dbd * factor * inverseSizes[c];
                }
            }
            derivative[own] = dsda / (ownSize - 1);
            for (int c = 0; c < classes; c++) {
                if (sums[sumsOff + c] == 0.0) {
                    derivative[c] = 0.0;
                }
            }
        }
        return Math.max(-1.0, Math.min(1.0, s));
    }

    @Override
    public void classSums(float[] gram, int gOff, float rowSquare, float[] centreSquares, double[] sizes,
                          double[] scatter, double unitsSquared, double floorPerPair, int own, int classes, float[] x,
                          int xOff, float[] centres, int dims, double[] sums) {
        boolean anyClose = false;
        for (int c = 0, padded = roundUp(classes, lanes); c < padded; c++) {
            float norms = rowSquare + centreSquares[c];
            float squared = Math.max(Math.fma(gram[gOff + c], -2f, norms), 0f);
            anyClose |= squared < norms * (1.0f / 64);
            gram[gOff + c] = squared;
        }
        if (anyClose) {
            for (int c = 0; c < classes; c++) {
                if (gram[gOff + c] < (rowSquare + centreSquares[c]) * (1.0f / 64)) {
                    gram[gOff + c] = squaredDistance(x, xOff, centres, c * dims, dims);
                }
            }
        }
        for (int c = 0, padded = roundUp(classes, doubleLanes); c < padded; c++) {
            double sum = (sizes[c] * gram[gOff + c] + scatter[c]) * unitsSquared;
            double pairs = c == own ? sizes[c] - 1.0 : sizes[c];
            sums[c] = sum <= pairs * floorPerPair ? 0.0 : sum;
        }
    }

    @Override
    public void gradientRow(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff,
                            float[] out, int outOff, int len) {
        for (int t = 0; t < len; t++) {
            out[outOff + t] = Math.fma(x[xOff + t], alpha, -(y[yOff + t] + z[zOff + t])) * factor;
        }
    }

    @Override
    public void projectOut(float[] g, int gOff, float[] x, int xOff, float[] mean, int len, boolean normalise,
                           float scale, float[] out, int outOff, int outLen) {
        int L = lanes;
        float[] s = accumulators.get(); // along in [0, 2L), length in [2L, 4L): two vector accumulators each
        java.util.Arrays.fill(s, 0, 4 * L, 0f);
        int t = 0;
        for (; t + 2 * L <= len; t += 2 * L) {
            for (int q = 0; q < 2 * L; q++) { // accumulator q / L, lane q % L
                float u = x[xOff + t + q] + mean[t + q];
                s[q] = Math.fma(u, g[gOff + t + q], s[q]);
                s[2 * L + q] = Math.fma(u, u, s[2 * L + q]);
            }
        }
        for (; t < len; t += L) {
            for (int lane = 0; lane < L; lane++) {
                float u = x[xOff + t + lane] + mean[t + lane];
                s[lane] = Math.fma(u, g[gOff + t + lane], s[lane]);
                s[2 * L + lane] = Math.fma(u, u, s[2 * L + lane]);
            }
        }
        for (int lane = 0; lane < L; lane++) {
            s[lane] = s[lane] + s[L + lane];
            s[2 * L + lane] = s[2 * L + lane] + s[3 * L + lane];
        }
        float a = foldedSum(s, 0);
        float l = foldedSum(s, 2 * L);
        if (normalise && l > 0f) { // the vector code's second projection
            float minusA = -(a / l);
            java.util.Arrays.fill(s, 0, 2 * L, 0f);
            for (t = 0; t + 2 * L <= len; t += 2 * L) {
                for (int q = 0; q < 2 * L; q++) {
                    float u = x[xOff + t + q] + mean[t + q];
                    float v = Math.fma(u, minusA, g[gOff + t + q]);
                    g[gOff + t + q] = v;
                    s[q] = Math.fma(u, v, s[q]);
                }
            }
            for (; t < len; t += L) {
                for (int lane = 0; lane < L; lane++) {
                    float u = x[xOff + t + lane] + mean[t + lane];
                    float v = Math.fma(u, minusA, g[gOff + t + lane]);
                    g[gOff + t + lane] = v;
                    s[lane] = Math.fma(u, v, s[lane]);
                }
            }
            for (int lane = 0; lane < L; lane++) {
                s[lane] = s[lane] + s[L + lane];
            }
            a = foldedSum(s, 0) / l;
        }
        float minusA = -a;
        for (t = 0; t < outLen; t++) {
            float u = x[xOff + t] + mean[t];
            out[outOff + t] = Math.fma(u, minusA, g[gOff + t]) * scale;
        }
    }

    @Override
    public void sparseMultiply(float[] coef, int coefOff, int[] index, int indexOff, int count, float[] b,
                               int bStride, float[] out, int outOff, int len) {
        java.util.Arrays.fill(out, outOff, outOff + len, 0f);
        for (int q = 0; q < count; q++) {
            int c = index[indexOff + q];
            float a = coef[coefOff + c];
            int bOff = c * bStride;
            for (int t = 0; t < len; t++) {
                out[outOff + t] = Math.fma(b[bOff + t], a, out[outOff + t]);
            }
        }
    }

    @Override
    public double rowCoefficients(double weight, double[] derivative, int classes, float[] coef, int coefOff,
                                  double[] classTotals, int totalsOff, double[] sizes, double[] scratch) {
        int dl = doubleLanes;
        int padded = roundUp(classes, dl);
        java.util.Arrays.fill(scratch, 0, dl, 0.0);
        for (int c = 0, width = roundUp(classes, lanes); c < width; c++) {
            float f = (float) ((c < classes ? derivative[c] : 0.0) * weight);
            coef[coefOff + c] = f;
            if (c < padded) {
                classTotals[totalsOff + c] += f;
                scratch[c % dl] = Math.fma(f, sizes[c], scratch[c % dl]);
            }
        }
        return storedLaneSum(scratch, 0);
    }

    /** The double lanes at {@code off}, added in lane order from 0: {@code VectorSimdOps.storedLaneSum}. */
    private double storedLaneSum(double[] acc, int off) {
        double sum = 0.0;
        for (int lane = 0; lane < doubleLanes; lane++) {
            sum += acc[off + lane];
        }
        return sum;
    }

    @Override
    public int nonzeroIndices(float[] v, int off, int len, int[] indices, int indexOff) {
        int count = 0;
        for (int c = 0; c < len; c++) {
            indices[indexOff + count] = c;
            count += v[off + c] != 0f ? 1 : 0;
        }
        return count;
    }

    @Override
    public int nonzeroCount(float[] v, int off, int len) {
        int count = 0;
        for (int c = 0; c < len; c++) {
            count += v[off + c] != 0f ? 1 : 0;
        }
        return count;
    }

    @Override
    public void multiplyAccumulate(float alpha, float[] x, int xOff, float[] y, int yOff, int len) {
        for (int t = 0; t < len; t++) {
            y[yOff + t] = Math.fma(x[xOff + t], alpha, y[yOff + t]);
        }
    }

    @Override
    public float max(float[] a, int off, int len) {
        float m = Float.NEGATIVE_INFINITY;
        for (int t = 0; t < len; t++) {
            m = Math.max(m, a[off + t]);
        }
        return m;
    }

    @Override
    public float sumExp(float[] a, int off, int len, float shift) {
        int L = lanes;
        float[] s = accumulators.get();
        java.util.Arrays.fill(s, 0, L, 0f);
        for (int t = 0; t < len; t += L) {
            for (int lane = 0; lane < L; lane++) {
                s[lane] = s[lane] + expFloat(a[off + t + lane] - shift);
            }
        }
        return foldedSum(s, 0);
    }

    @Override
    public void contrastWeights(float[] tile, int off, int len, float invT, float rowShift, float rowScale,
                                float[] colShift, float[] colScale, int colOff) {
        for (int t = 0; t < len; t++) {
            float s = tile[off + t] * invT;
            float row = expFloat(s - rowShift) * rowScale;
            float col = expFloat(s - colShift[colOff + t]);
            tile[off + t] = Math.fma(col, colScale[colOff + t], row);
        }
    }

    @Override
    public void subtractLinear(float[] tile, int off, int len, float[] rowLinear, int rowLinearOff, int[] classOf,
                               int classOff, float[] colLinear, int colLinearOff) {
        for (int t = 0; t < len; t++) {
            float linear = rowLinear[rowLinearOff + classOf[classOff + t]] + colLinear[colLinearOff + t];
            tile[off + t] = tile[off + t] - linear;
        }
    }

    /** The double lane sum: lane i += lane i + h for h = DL/2, ..., 1. */
    private double foldedSum(double[] s, int off) {
        for (int h = doubleLanes / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) {
                s[off + i] = s[off + i] + s[off + i + h];
            }
        }
        return s[off];
    }

    @Override
    public void squaredDistancesByLane(double[] rows, double[] means, int classes, int len, double[] out) {
        int R = 2 * doubleLanes;
        for (int k = 0; k < classes; k++) {
            for (int r = 0; r < R; r++) {
                double acc = 0.0; // from zero, one subtraction and FMA per t in increasing order, as each lane
                for (int t = 0; t < len; t++) {
                    double e = rows[t * R + r] - means[k * len + t];
                    acc = Math.fma(e, e, acc);
                }
                out[k * R + r] = acc;
            }
        }
    }

    @Override
    public void distances6x3(float[] a, int aOff, int aRowStride, float[] b, int bOff, int bVectorStride, int count,
                             float[] c, int cOff, int cRowStride) {
        int L = lanes;
        for (int r = 0; r < 6; r++) {
            for (int v = 0; v < 3; v++) {
                for (int lane = 0; lane < L; lane++) {
                    float acc = 0f; // from zero, one subtraction and FMA per t in increasing order, as the vectors
                    for (int t = 0; t < count; t++) {
                        float e = b[bOff + v * bVectorStride + t * L + lane] - a[aOff + r * aRowStride + t];
                        acc = Math.fma(e, e, acc);
                    }
                    c[cOff + r * cRowStride + v * L + lane] = (float) Math.sqrt(acc); // correctly rounded, as vsqrt
                }
            }
        }
    }

    @Override
    public double sumAsDouble(float[] a, int from, int to) {
        int DL = doubleLanes;
        double[] s = new double[2 * DL]; // the two accumulators of the vector code, lanes [0, DL) and [DL, 2 DL)
        for (int t = from; t < to; t += 2 * DL) {
            for (int q = 0; q < 2 * DL; q++) {
                s[q] += t + q < to ? a[t + q] : 0.0;
            }
        }
        for (int lane = 0; lane < DL; lane++) {
            s[lane] = s[lane] + s[DL + lane];
        }
        return foldedSum(s, 0);
    }

    @Override
    public void addRowsAsDouble(float[] a, int off, int rows, int stride, int len, double[] out, int outOff) {
        for (int c = 0; c < len; c++) {
            double o = out[outOff + c];
            for (int r = 0, p = off + c; r < rows; r++, p += stride) {
                o += a[p];
            }
            out[outOff + c] = o;
        }
    }

    @Override
    public void silhouettesByLane(double[] distances, int classes, boolean cosine, double[] sizes,
                                  double[] inverseSizes, double[] scatters, double[] squaredNorms,
                                  double[] floorCorrections, double[] own, double[] squares, double[] corrections,
                                  double[] out) {
        int R = 2 * doubleLanes;
        for (int r = 0; r < R; r++) { // each lane as the vector code computes it
            double twiceCorrection = corrections[r] * 2.0;
            double ownSum = 0.0;
            double ownSize = 0.0;
            double b = Double.POSITIVE_INFINITY;
            for (int k = 0; k < classes; k++) {
                double size = sizes[k];
                double sum = distances[k * R + r] * size + scatters[k];
                double magnitude = (squares[r] * size + squaredNorms[k]) * ClassMeans.NOISE;
                if (sum <= magnitude) {
                    sum = 0.0;
                }
                boolean isOwn = own[r] == k;
                if (cosine) {
                    sum = sum * 0.5 + corrections[r] * size + floorCorrections[k] - (isOwn ? twiceCorrection : 0.0);
                }
                if (isOwn) {
                    ownSum = sum;
                    ownSize = size;
                } else {
                    b = Math.min(b, sum * inverseSizes[k]);
                }
            }
            double a = ownSum / (ownSize - 1.0);
            double larger = Math.max(a, b);
            double ratio = Math.min(a, b) / larger;
            double s = a >= b ? ratio - 1.0 : -ratio + 1.0;
            out[r] = larger == 0.0 || ownSize < 2.0 ? 0.0 : s;
        }
    }

    @Override
    public double scaleAndCentre(float[] x, int xOff, double divisor, double[] shift, double[] out, int len) {
        int DL = doubleLanes;
        double[] acc = new double[DL];
        boolean scale = divisor != 1.0;
        int t = 0;
        for (; t + DL <= len; t += DL) {
            for (int lane = 0; lane < DL; lane++) {
                double v = x[xOff + t + lane];
                if (scale) {
                    v = v / divisor;
                }
                v = v - shift[t + lane];
                out[t + lane] = v;
                acc[lane] = Math.fma(v, v, acc[lane]);
            }
        }
        double sum = foldedSum(acc, 0);
        return ScalarTails.scaleAndCentre(x, xOff, divisor, shift, out, t, len, sum);
    }

    @Override
    public double squaresAsDouble(float[] x, int xOff, int len) {
        int DL = doubleLanes;
        double[] acc = new double[DL];
        int t = 0;
        for (; t + DL <= len; t += DL) {
            for (int lane = 0; lane < DL; lane++) {
                double v = x[xOff + t + lane];
                acc[lane] = Math.fma(v, v, acc[lane]);
            }
        }
        double sum = foldedSum(acc, 0);
        for (; t < len; t++) {
            double v = x[xOff + t];
            sum = Math.fma(v, v, sum);
        }
        return sum;
    }

    @Override
    public void add(double[] row, double[] into, int intoOff, int len) {
        for (int t = 0; t < len; t++) {
            into[intoOff + t] += row[t]; // one addition per value: any order gives the vector code's bits
        }
    }

    /** The double exponential of {@link VectorSimdOps#rowSilhouette}, for {@code x >= EXP_FLOOR}. */
    private static double exp(double x) {
        double t = Math.fma(x, VectorSimdOps.LOG2_E, VectorSimdOps.ROUNDER);
        double n = t - VectorSimdOps.ROUNDER;
        double r = Math.fma(n, -VectorSimdOps.LN2_HI, x);
        r = Math.fma(n, -VectorSimdOps.LN2_LO, r);
        double p = VectorSimdOps.EXP_TAYLOR_12;
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_11);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_10);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_9);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_8);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_7);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_6);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_5);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_4);
        p = Math.fma(p, r, VectorSimdOps.EXP_TAYLOR_3);
        p = Math.fma(p, r, 0.5);
        p = Math.fma(p, r, 1.0);
        p = Math.fma(p, r, 1.0);
        double scale = Double.longBitsToDouble((Double.doubleToRawLongBits(t) + 1023L) << 52);
        return p * scale;
    }

    /** The float exponential of {@link VectorSimdOps} ({@code sumExp}, {@code contrastWeights}). */
    private static float expFloat(float x) {
        boolean dead = !(x >= VectorSimdOps.EXP_FLOOR_F);
        float c = Math.min(Math.max(x, VectorSimdOps.EXP_FLOOR_F), VectorSimdOps.EXP_CAP_F);
        float t = Math.fma(c, VectorSimdOps.LOG2_E_F, VectorSimdOps.ROUNDER_F);
        float n = t - VectorSimdOps.ROUNDER_F;
        float r = Math.fma(n, -VectorSimdOps.LN2_HI_F, c);
        r = Math.fma(n, -VectorSimdOps.LN2_LO_F, r);
        float p = 1.0f / 5040;
        p = Math.fma(p, r, 1.0f / 720);
        p = Math.fma(p, r, 1.0f / 120);
        p = Math.fma(p, r, 1.0f / 24);
        p = Math.fma(p, r, 1.0f / 6);
        p = Math.fma(p, r, 0.5f);
        p = Math.fma(p, r, 1.0f);
        p = Math.fma(p, r, 1.0f);
        float scale = Float.intBitsToFloat((Float.floatToRawIntBits(t) + 127) << 23);
        return dead ? 0f : p * scale;
    }

    private static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }
}
