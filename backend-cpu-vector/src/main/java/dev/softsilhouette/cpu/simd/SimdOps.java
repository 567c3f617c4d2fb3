package dev.softsilhouette.cpu.simd;

/**
 * The few vector operations the kernels are built from (the Lucene {@code VectorizationProvider} split): this
 * interface names no Vector API type, so the code around it loads on any JVM, and {@link VectorSimdOps} is the only
 * class that touches {@code jdk.incubator.vector}. One implementation is loaded, so calls inline.
 *
 * <p>Every result is computed in a fixed order: the same inputs give the same bits on every call, interpreted or
 * compiled (no {@code reduceLanes} on floats, whose order the JIT may change).
 *
 * <p>Micro-kernel addressing: {@code a} supplies scalars broadcast per row, {@code b} supplies vectors of
 * {@link #lanes()} floats. For row {@code r < 4}, vector {@code v < vectors} (1 to 3) and loop index {@code l < count}:
 * {@code a[aOff + r*aRowStride + l*aLoopStride]} and {@code b[bOff + v*bVectorStride + l*bLoopStride + lane]}; the
 * result goes to {@code c[cOff + r*cRowStride + v*lanes() + lane]}.
 */
public interface SimdOps {

    /** Floats per vector (16 with AVX-512, 8 with AVX2). */
    int lanes();

    /** The vector shape in words, for diagnostics. */
    String describe();

    /** The most vectors {@link #multiplyAdd} takes at once on this machine: 4 with 32 vector registers, else 3. */
    int widestProduct();

    /** {@code c (+)= sum_l a * b}: the register-blocked product of 4 rows by 1 to {@link #widestProduct()} vectors. */
    void multiplyAdd(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride,
                     float[] b, int bOff, int bVectorStride, int bLoopStride, int count,
                     float[] c, int cOff, int cRowStride, boolean accumulate);

    /**
     * {@code c (+)= sum_l a * b} for 6 rows by 1 to {@link #widestProduct()} vectors (the addressing above, rows
     * {@code r < 6}): the Euclidean Gram tiles (3 vectors: 18 accumulators, 3 loads and 6 broadcasts per 18 FMAs,
     * where it runs closest to the FMA throughput) and backward products (4 vectors: their loop is only a tile edge
     * long). With {@code accumulate} each sum is formed from zero and added to {@code c} once.
     */
    void multiplyAdd6(int vectors, float[] a, int aOff, int aRowStride, int aLoopStride, float[] b, int bOff,
                      int bVectorStride, int bLoopStride, int count, float[] c, int cOff, int cRowStride,
                      boolean accumulate);

    /** {@code sum_t a[aOff+t] * b[bOff+t]}, t < len, with 4 vector accumulators and vector and scalar tails. */
    float dot(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code sum_t (a[aOff+t] - b[bOff+t])^2}, t < len, computed directly (no expansion). */
    float squaredDistance(float[] a, int aOff, float[] b, int bOff, int len);

    /** {@code sum a[from..to)} in a fixed order. */
    float sum(float[] a, int from, int to);

    /**
     * {@code sum (1 - a[from..to))} in a fixed order (the tail as {@link #sum}): a run of cosine similarities as a sum of
     * cosine distances, each difference exact in float for similarities in [0.5, 2].
     */
    float cosineDistanceSum(float[] a, int from, int to);

    /** {@code out[c] = sum_{r < rows} a[off + r*stride + c]} for {@code c < len} (len a multiple of lanes). */
    void sumRows(float[] a, int off, int rows, int stride, int len, float[] out);

    /** {@code a[off..off+len) += b[bOff..bOff+len)}. */
    void add(float[] a, int off, float[] b, int bOff, int len);

    /** {@code a[off..off+len) -= m[0..len)}, returning the largest absolute value left. */
    float subtractMaxAbs(float[] a, int off, float[] m, int len);

    /** The largest absolute value of {@code a[off..off+len)} (0 for none): {@link #subtractMaxAbs} of nothing. */
    float maxAbs(float[] a, int off, int len);

    /** {@code a[from..to) *= factor}. */
    void scale(float[] a, int from, int to, float factor);

    /**
     * {@code v = (float) (a[off + t] * scale - shift[t])} for {@code t < len}, in double and rounded once (never fused);
     * {@code out[outOff + t] = v}, or {@code += v} in float when {@code accumulate}. {@code out} may be {@code a} at
     * the same offset. A zero shift gives {@code (float) (a * scale)} exactly.
     */
    void scaleShifted(float[] a, int off, int len, double scale, float[] shift, float[] out, int outOff,
                      boolean accumulate);

    /** {@code out[outOff+t] = factor * (alpha * x[xOff+t] - y[yOff+t])}, t < len. */
    void scaledDifference(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] out,
                          int outOff, int len);

    /**
     * Turns one row of a Gram tile into Euclidean distances in place: {@code g <- sqrt(max(sqI + sq[j] - 2g, 0))} for
     * the {@code len} columns {@code j = j0 ..}; where the expansion lost too much to cancellation (the result is
     * small next to the norms) the squared distance is recomputed directly from the rows of {@code x}.
     */
    void distancesFromGram(float[] tile, int off, int len, float sqI, float[] sq, int j0, float[] x, int iRowOff,
                           int dimsStride, int dims);

    /**
     * One row of the backward pair weights, in place over a distance row: {@code w_j = (rowCoef[rowCoefOff +
     * classOf[j0+c]] + colCoef[colCoefOff + c]) / d_j}, 0 where {@code d_j = 0}; adds each {@code w_j} to
     * {@code columnSums[c]} when that is not null and returns the row's sum. {@code rowCoef} may be read up to
     * {@link #lanes()} - 1 entries past {@code rowCoefOff + classOf[j]}.
     */
    float pairWeights(float[] tile, int off, int len, float[] rowCoef, int rowCoefOff, int[] classOf, int j0,
                      float[] colCoef, int colCoefOff, float[] columnSums);

    /** Doubles per vector of the per-row silhouette math (8 with AVX-512, 4 with AVX2). */
    int doubleLanes();

    /**
     * {@link dev.softsilhouette.spi.SilhouetteMath#rowSilhouette} over the classes in double vectors: the same
     * function and derivative (to a few ulps: means are products with reciprocal class sizes, and the softmin's exp is
     * a fixed polynomial whose weights below e^-708 count as 0), with the same conventions. Every step is an IEEE
     * operation in a fixed order, so the bits do not depend on the JIT tier or the thread.
     *
     * @param own          the row's class
     * @param sums         {@code sums[sumsOff + k]}, k < classes: the row's sums of distances to each class
     * @param classOffsets class boundaries (length classes + 1)
     * @param inverseSizes {@code 1.0 / n_k}, padded with zeros to a whole number of {@link #doubleLanes()}
     * @param tau          temperature, {@code >= 0}
     * @param derivative   when not null, receives {@code ds_i / d sums[k]} at {@code derivative[k]}, k < classes
     * @param scratch      at least {@code 2 * classes} rounded up to {@link #doubleLanes()}, plus {@link #doubleLanes()}, doubles
     * @return {@code s_i}
     */
    double rowSilhouette(int own, double[] sums, int sumsOff, int classes, int[] classOffsets, double[] inverseSizes,
                         double tau, double[] derivative, double[] scratch);

    /**
     * A row's backward coefficients from its {@link #rowSilhouette} derivative, in one pass:
     * {@code coef[coefOff + c] = (float) (derivative[c] * weight)} for {@code c < classes}, and
     * {@code (float) (0.0 * weight)} (0 or -0) from there up to {@code classes} rounded up to {@link #lanes()};
     * {@code classTotals[totalsOff + c] += coef[coefOff + c]} (in double) for {@code c} below {@code classes} rounded
     * up to {@link #doubleLanes()}. Returns {@code sum_c coef[coefOff + c] * sizes[c]} over that range: per double
     * lane ({@code c mod doubleLanes()}) by FMA in increasing c from 0, the lanes then added in lane order.
     *
     * @param sizes   padded with zeros to a whole number of {@link #doubleLanes()}
     * @param scratch at least {@link #doubleLanes()} doubles
     */
    double rowCoefficients(double weight, double[] derivative, int classes, float[] coef, int coefOff,
                           double[] classTotals, int totalsOff, double[] sizes, double[] scratch);

    /**
     * {@code out[outOff+t] = sum_q coef[coefOff + index[indexOff+q]] * b[index[indexOff+q]*bStride + t]}, t < len (a
     * multiple of lanes), the terms added in q order by FMA from zero: the same bits as {@link #multiplyAdd} over
     * every index with the skipped coefficients zero.
     */
    void sparseMultiply(float[] coef, int coefOff, int[] index, int indexOff, int count, float[] b, int bStride,
                        float[] out, int outOff, int len);

    /**
     * Lists, in increasing order from {@code indices[indexOff]}, every {@code c < len} (a multiple of lanes) with
     * {@code v[off + c] != 0}, and returns how many. Slots from the count up to {@code len} may be overwritten.
     */
    int nonzeroIndices(float[] v, int off, int len, int[] indices, int indexOff);

    /**
     * How many {@code c < len} (a multiple of lanes) have {@code v[off + c] != 0}: the count {@link #nonzeroIndices}
     * returns, without the list.
     */
    int nonzeroCount(float[] v, int off, int len);

    /** {@code y[yOff+t] = fma(x[xOff+t], alpha, y[yOff+t])}, t < len (a multiple of lanes). */
    void multiplyAccumulate(float alpha, float[] x, int xOff, float[] y, int yOff, int len);

    /** {@code max a[off..off+len)} (len a multiple of lanes); exact in any order. */
    float max(float[] a, int off, int len);

    /**
     * {@code sum_t exp(a[off+t] - shift)}, t < len (a multiple of lanes), summed in a fixed order; an exponent below
     * -87 (and {@code -inf}) counts as 0. The exponential is a fixed polynomial (relative error below 1e-7), the same
     * bits on every tier.
     */
    float sumExp(float[] a, int off, int len, float shift);

    /**
     * SupCon's pair weights in place over a row of similarities {@code c_t} (len a multiple of lanes):
     * {@code c_t <- rowScale * exp(c_t * invT - rowShift) + colScale[colOff+t] * exp(c_t * invT - colShift[colOff+t])},
     * with the exponential of {@link #sumExp}.
     */
    void contrastWeights(float[] tile, int off, int len, float invT, float rowShift, float rowScale, float[] colShift,
                         float[] colScale, int colOff);

    /**
     * The part of a pair weight that is linear in per-class coefficients, subtracted in place over a row of a tile
     * (len a multiple of lanes): {@code c_t <- c_t - (rowLinear[rowLinearOff + classOf[classOff+t]] +
     * colLinear[colLinearOff + t])}. {@code rowLinear} may be read up to {@link #lanes()} - 1 entries past
     * {@code rowLinearOff + classOf[j]}.
     */
    void subtractLinear(float[] tile, int off, int len, float[] rowLinear, int rowLinearOff, int[] classOf,
                        int classOff, float[] colLinear, int colLinearOff);

    // ---------------------------------------------------------------- class statistics (one row against every class)

    /**
     * One row's distance sums to every class from its Gram row {@code g_c = <x, m_c>} (the class-statistics kernel):
     * {@code q_c = max(rowSquare + centreSquares[c] - 2 g_c, 0)} in float, written over {@code gram}, recomputed
     * directly as {@code |x - m_c|^2} (row {@code x[xOff..]} against {@code centres[c*dims..]}, {@code dims} floats)
     * where it is below 1/64 of {@code rowSquare + centreSquares[c]} (the expansion has cancelled); then
     * {@code sums[c] = (sizes[c] * q_c + scatter[c]) * unitsSquared} in double, set to 0 where it is at most
     * {@code pairs_c * floorPerPair} with {@code pairs_c = sizes[c] - (c == own ? 1 : 0)}. Every array is read and
     * written in whole vectors up to {@code classes} rounded up to {@link #lanes()} (float) or
     * {@link #doubleLanes()} (double); the recomputation looks at {@code c < classes} only.
     */
    void classSums(float[] gram, int gOff, float rowSquare, float[] centreSquares, double[] sizes, double[] scatter,
                   double unitsSquared, double floorPerPair, int own, int classes, float[] x, int xOff,
                   float[] centres, int dims, double[] sums);

    /**
     * {@code out[outOff+t] = factor * (alpha * x[xOff+t] - (y[yOff+t] + z[zOff+t]))} for t < len, with
     * {@code alpha * x - (y + z)} as one FMA: {@link #scaledDifference} of {@code y + z}.
     */
    void gradientRow(float factor, float alpha, float[] x, int xOff, float[] y, int yOff, float[] z, int zOff,
                     float[] out, int outOff, int len);

    /**
     * The cosine gradient's projection: with {@code u_t = x[xOff+t] + mean[t]} (the unit row, from the centred one),
     * {@code out[outOff+t] = (g_t - a u_t) * scale} for t < outLen, where {@code a = <u, g>} over t < len (a multiple
     * of lanes, at least outLen) or, with {@code normalise} and {@code <u, u> > 0}, the projection onto the complement
     * of u done twice ({@code a = <u, g> / <u, u>}, then again on the result: what float rounding of the first left
     * along u; g itself then changes); the dot products in float, in lanes and then across them in a fixed order.
     * {@code out} may be {@code g}.
     */
    void projectOut(float[] g, int gOff, float[] x, int xOff, float[] mean, int len, boolean normalise, float scale,
                    float[] out, int outOff, int outLen);

    // ---------------------------------------------------------------- float64 (the block decomposition)

    /**
     * The squared distances of {@code 2 * doubleLanes()} rows to {@code classes} rows of {@code means}, in double,
     * computed directly (no expansion): with the rows held transposed ({@code rows[t * R + r]} is value t of row r,
     * {@code R = 2 * doubleLanes()}) and {@code means[k * len + t]} value t of row k,
     * {@code out[k * R + r] = sum_t (rows[t*R + r] - means[k*len + t])^2}, each sum from 0 in increasing t, one
     * subtraction and one FMA per term. One lane per row: no sum across lanes. {@code classes} is a multiple of 4
     * (pad the means with rows of zeros): two vectors of rows by four classes run at once, eight FMA chains that cover
     * the FMA latency.
     */
    void squaredDistancesByLane(double[] rows, double[] means, int classes, int len, double[] out);

    /**
     * The silhouettes at {@code tau = 0} of a group of {@code R = 2 * doubleLanes()} rows of the block decomposition
     * ({@code SQUARED_EUCLIDEAN}, {@code COSINE}), one row per lane, from their squared distances to the class means:
     * {@link dev.softsilhouette.spi.ClassMeans#toDistanceSums} (the same operations in the same order) and then
     * {@link dev.softsilhouette.spi.SilhouetteMath#rowSilhouette} at {@code tau = 0} ({@code a} divided by
     * {@code n_own - 1} as there, the other classes' means as products with {@code 1 / n_k}; 0 for a row of a
     * singleton class or where {@code max(a, b) = 0}). Every argument holds at least {@code classes} (per class) or
     * R (per row) values; {@code classes >= 2}.
     *
     * @param distances    {@code [k * R + r]}: the squared distance of row r to class mean k
     * @param cosine       the cosine form of the sums (half the squared distance plus the floor corrections)
     * @param sizes        n_k; {@code inverseSizes} 1 / n_k
     * @param scatters     W_k; {@code squaredNorms} Q_k; {@code floorCorrections} the class's c_j summed
     * @param own          the row's class index (as a double); {@code squares} its |v'|^2; {@code corrections} c_i
     * @param out          s_i of row r at {@code out[r]}
     */
    void silhouettesByLane(double[] distances, int classes, boolean cosine, double[] sizes, double[] inverseSizes,
                           double[] scatters, double[] squaredNorms, double[] floorCorrections, double[] own,
                           double[] squares, double[] corrections, double[] out);

    /**
     * A float32 row widened to double, divided by {@code divisor} (skipped when it is 1) and moved by the shift:
     * {@code out[t] = x[xOff+t] / divisor - shift[t]}, t < len; returns {@code sum_t out[t]^2} (fixed order).
     */
    double scaleAndCentre(float[] x, int xOff, double divisor, double[] shift, double[] out, int len);

    /** {@code sum_t x[xOff+t]^2}, t < len, each value widened to double (fixed order). */
    double squaresAsDouble(float[] x, int xOff, int len);

    /** {@code into[intoOff+t] += row[t]}, t < len. */
    void add(double[] row, double[] into, int intoOff, int len);

    // ---------------------------------------------------------------- float32 distances, float64 sums (Euclidean blocks)

    /**
     * Euclidean distances of 6 rows by {@code 3 * lanes()} columns, computed directly in float32 (no expansion, so
     * nothing cancels): {@code c[cOff + r*cRowStride + v*L + lane] = sqrt(sum_t (b[bOff + v*bVectorStride + t*L +
     * lane] - a[aOff + r*aRowStride + t])^2)} for r < 6, v < 3, t < count ({@code L = lanes()}): the columns packed as
     * panels of L side by side per dimension. One subtraction and one FMA per element; the sum over t runs in
     * increasing order.
     */
    void distances6x3(float[] a, int aOff, int aRowStride, float[] b, int bOff, int bVectorStride, int count,
                      float[] c, int cOff, int cRowStride);

    /** {@code sum a[from..to)}, each value widened to double and added in double, in a fixed order. */
    double sumAsDouble(float[] a, int from, int to);

    /**
     * {@code out[outOff + c] += a[off + r*stride + c]} for r = 0, 1, ... {@code rows - 1} in that order, each value
     * widened to double, for c < len.
     */
    void addRowsAsDouble(float[] a, int off, int rows, int stride, int len, double[] out, int outOff);
}
