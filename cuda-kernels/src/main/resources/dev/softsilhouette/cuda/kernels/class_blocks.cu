// SQUARED_EUCLIDEAN and COSINE rows of the block decomposition (SPEC section 12): s_i of every row of a block from
// the class statistics merged over all blocks. The host turns the statistics into class means m_k and scatters W_k
// (spi.ClassMeans, O(K*D)) and uploads them with the block; each thread then follows the API's per-row rules
// (spi.BlockMath.centredRow, spi.ClassMeans.toDistanceSums, spi.SilhouetteMath.rowSilhouette) in double, in the
// same order of operations: squared distances to the means are computed as differences (nothing expanded, nothing
// cancels far from the origin). Products and sums go through __dmul_rn / __dadd_rn so that the compiler contracts
// nothing into an FMA: the arithmetic is the CPU's, operation for operation (exp aside, within an ulp).
// One thread per row writes that row's class sums and its s_i: no atomics, the same bits on every run.
// Self-contained for NVRTC (no includes).

#define CB_MUL(a, b) __dmul_rn((a), (b))
#define CB_ADD(a, b) __dadd_rn((a), (b))
#define CB_SUB(a, b) __dsub_rn((a), (b))

// Java's Math.max / Math.min: NaN when either argument is NaN (fmax / fmin would drop it).
__device__ __forceinline__ double cb_max(double a, double b) {
    return a != a ? a : (b != b ? b : fmax(a, b));
}

__device__ __forceinline__ double cb_min(double a, double b) {
    return a != a ? a : (b != b ? b : fmin(a, b));
}

// The row's coordinate t as the statistics see it: v_t - h_t, v the row (SQUARED_EUCLIDEAN) or its unit row (COSINE,
// divided by the floored norm). Recomputed where needed, the same expression every time, instead of a D-long copy.
__device__ __forceinline__ double cb_centred(const float* row, int t, int cosine, double floored,
                                             const double* shift) {
    double v = (double) row[t];
    if (cosine) {
        v = v / floored;
    }
    return CB_SUB(v, shift[t]);
}

// classTerms: W_k (K values), Q_k (K values), C_k (K values). classOffsets: K+1 boundaries, n_k their differences.
// sums: rows * classCount doubles of scratch (row i's class sums). silhouettes: rows doubles.
extern "C" __global__ void class_block_silhouettes(const float* __restrict__ x, int rows, int dims,
                                                   const int* __restrict__ classes, int cosine, double normFloor,
                                                   const double* __restrict__ shift,
                                                   const double* __restrict__ means,
                                                   const double* __restrict__ classTerms,
                                                   const int* __restrict__ classOffsets, int classCount,
                                                   double noise, double tau, double* __restrict__ sums,
                                                   double* __restrict__ silhouettes) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) {
        return;
    }
    const float* row = x + i * dims;
    const double* scatters = classTerms;
    const double* squaredNorms = classTerms + classCount;
    const double* floorCorrections = classTerms + 2 * classCount;
    double* own = sums + i * classCount;
    int y = classes[i];

    // spi.BlockMath.centredRow: the norm, the floored unit row and its correction c_i
    double floored = 1.0;
    double correction = 0.0;
    if (cosine) {
        double sq = 0.0;
        for (int t = 0; t < dims; t++) {
            double v = (double) row[t];
            sq = CB_ADD(sq, CB_MUL(v, v));
        }
        double norm = sqrt(sq);
        floored = cb_max(norm, normFloor);
        double unitSq = 0.0;
        for (int t = 0; t < dims; t++) {
            double u = (double) row[t] / floored;
            unitSq = CB_ADD(unitSq, CB_MUL(u, u));
        }
        correction = norm >= normFloor ? 0.0 : CB_MUL(0.5, CB_SUB(1.0, unitSq));
    }
    double squaredNorm = 0.0;
    for (int t = 0; t < dims; t++) {
        double v = cb_centred(row, t, cosine, floored, shift);
        squaredNorm = CB_ADD(squaredNorm, CB_MUL(v, v));
    }

    // |v' - m_k|^2 as a difference, then spi.ClassMeans.toDistanceSums
    for (int k = 0; k < classCount; k++) {
        const double* mean = means + (long long) k * dims;
        double e = 0.0;
        for (int t = 0; t < dims; t++) {
            double diff = CB_SUB(cb_centred(row, t, cosine, floored, shift), mean[t]);
            e = CB_ADD(e, CB_MUL(diff, diff));
        }
        double size = (double) (classOffsets[k + 1] - classOffsets[k]);
        double squares = CB_ADD(CB_MUL(size, e), scatters[k]);
        if (squares <= CB_MUL(noise, CB_ADD(CB_MUL(size, squaredNorm), squaredNorms[k]))) {
            squares = 0.0;
        }
        if (cosine) {
            squares = CB_SUB(CB_ADD(CB_ADD(CB_MUL(0.5, squares), CB_MUL(size, correction)), floorCorrections[k]),
                             k == y ? CB_MUL(2.0, correction) : 0.0);
        }
        own[k] = squares;
    }

    // spi.SilhouetteMath.rowSilhouette without the derivative
    int ownSize = classOffsets[y + 1] - classOffsets[y];
    if (ownSize < 2 || classCount < 2) {
        silhouettes[i] = 0.0;
        return;
    }
    double a = own[y] / (double) (ownSize - 1);
    double least = __longlong_as_double(0x7ff0000000000000LL); // +infinity
    for (int k = 0; k < classCount; k++) {
        if (k != y) {
            double delta = own[k] / (double) (classOffsets[k + 1] - classOffsets[k]);
            if (delta < least) {
                least = delta;
            }
        }
    }
    double b;
    if (tau == 0.0) {
        b = least;
    } else {
        double invTau = 1.0 / tau;
        double weighted = 0.0;
        double z = 0.0;
        for (int k = 0; k < classCount; k++) {
            if (k != y) {
                double delta = own[k] / (double) (classOffsets[k + 1] - classOffsets[k]);
                double exponent = delta == least ? 0.0 : CB_MUL(CB_SUB(least, delta), invTau);
                double w = exponent < -746.0 ? 0.0 : exp(exponent);
                z = CB_ADD(z, w);
                weighted = CB_ADD(weighted, CB_MUL(w, delta));
            }
        }
        b = weighted / z;
        if (b < least) {
            b = least;
        }
    }
    double m = cb_max(a, b);
    double s;
    if (m == 0.0) {
        s = 0.0;
    } else {
        s = a < b ? CB_SUB(1.0, a / b) : CB_SUB(b / a, 1.0);
        s = cb_max(-1.0, cb_min(1.0, s));
    }
    silhouettes[i] = s;
}
