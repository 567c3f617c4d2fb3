// EUCLIDEAN kernels of the ffm-cublas backend. The host computes Gram blocks G = Z_I Z_J^T with cuBLAS SGEMM on
// class-sorted, centred rows (row-major bi x bj, row stride bj); these kernels turn a block into distances and
// per-class sums (forward) or into the coefficient block of the backward, whose product with Z is another SGEMM.
//
// Determinism: no atomics. A row's class sums are accumulated block after block in the host's fixed order, each
// block's contribution itself summed in a fixed order, in double. Self-contained for NVRTC (no includes).

#define FFM_BLOCK 128 // threads of the block-per-row kernels (the host launches exactly this)
// A pair whose expanded squared distance is below (||z_i||^2 + ||z_j||^2) / FFM_EXACT_RATIO has lost too many bits to
// cancellation in the float Gram entry; it is recomputed directly as sum (z_i - z_j)^2 (as the cuda backend's
// SS_EXACT_RATIO; the host mirror uses the same number).
#define FFM_EXACT_RATIO 256.0

// d(i, j) from the Gram entry: sqrt(max(||z_i||^2 + ||z_j||^2 - 2 <z_i, z_j>, 0)), in double, or directly from the
// rows (in double) where the expanded form cancels.
__device__ __forceinline__ double ffm_gram_distance(const float* __restrict__ z, int d, int i, int j,
                                                    double rowSqI, double rowSqJ, float gram) {
    double sq = rowSqI + rowSqJ - 2.0 * (double) gram;
    if (sq < (rowSqI + rowSqJ) * (1.0 / FFM_EXACT_RATIO)) {
        const float* zi = z + (long long) i * d;
        const float* zj = z + (long long) j * d;
        sq = 0.0;
        for (int t = 0; t < d; t++) {
            double diff = (double) zi[t] - (double) zj[t];
            sq += diff * diff;
        }
    }
    return sqrt(fmax(sq, 0.0));
}

// partial[p][s] = sum over columns j of segment s (absolute positions segStart[s] .. segEnd[s]-1, inside the
// block's columns j0 .. j0+bj-1) of d(i0+p, j), skipping j = i0+p. A segment lies inside one class run and is
// short (the host caps its length), so per-thread work is bounded. Grid-stride over bi*segCount elements.
extern "C" __global__ void ffm_block_segment_sums(const float* __restrict__ gram, int bi, int bj, int i0, int j0,
                                                  const float* __restrict__ z, int d,
                                                  const double* __restrict__ rowSq,
                                                  const int* __restrict__ segStart, const int* __restrict__ segEnd,
                                                  int segCount, double* __restrict__ partial) {
    long long total = (long long) bi * segCount;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / segCount);
        int s = (int) (e - (long long) p * segCount);
        int i = i0 + p;
        double rowSqI = rowSq[i];
        const float* gramRow = gram + (long long) p * bj;
        double sum = 0.0;
        for (int j = segStart[s]; j < segEnd[s]; j++) {
            if (j != i) {
                sum += ffm_gram_distance(z, d, i, j, rowSqI, rowSq[j], gramRow[j - j0]);
            }
        }
        partial[e] = sum;
    }
}

// sums[i0+p][classFirst+c] += sum of partial[p][s] over the segments s of class classFirst+c in this block
// (classSegFirst[c] .. classSegFirst[c+1]-1), in segment order. Grid-stride over bi*classCount elements; each
// (row, class) entry has exactly one thread, and blocks of columns are processed one launch after the other.
extern "C" __global__ void ffm_reduce_segments(const double* __restrict__ partial, int bi, int segCount,
                                               const int* __restrict__ classSegFirst, int classFirst, int classCount,
                                               int k, int i0, double* __restrict__ sums) {
    long long total = (long long) bi * classCount;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / classCount);
        int c = (int) (e - (long long) p * classCount);
        const double* row = partial + (long long) p * segCount;
        double sum = 0.0;
        for (int s = classSegFirst[c]; s < classSegFirst[c + 1]; s++) {
            sum += row[s];
        }
        sums[(long long) (i0 + p) * k + classFirst + c] += sum;
    }
}

// Backward: gram[p][q] becomes C_ij = (coef[i][y_j] + coef[j][y_i]) / d_ij for i = i0+p, j = j0+q, i != j and
// d_ij > 0; otherwise 0 (SPEC 5: the Euclidean distance has no gradient where it is 0). In place.
// Grid-stride over bi*bj elements.
extern "C" __global__ void ffm_distance_coefficients(float* __restrict__ gram, int bi, int bj, int i0, int j0,
                                                     const float* __restrict__ z, int d,
                                                     const double* __restrict__ rowSq, const int* __restrict__ y,
                                                     const double* __restrict__ coef, int k) {
    long long total = (long long) bi * bj;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / bj);
        int q = (int) (e - (long long) p * bj);
        int i = i0 + p;
        int j = j0 + q;
        double c = 0.0;
        if (i != j) {
            double dist = ffm_gram_distance(z, d, i, j, rowSq[i], rowSq[j], gram[e]);
            if (dist > 0.0) {
                c = (coef[(long long) i * k + y[j]] + coef[(long long) j * k + y[i]]) / dist;
            }
        }
        gram[e] = (float) c;
    }
}

// rowSums[i0+p] += sum_q coefficients[p][q], in double, a fixed tree per row. One block per row of the block.
extern "C" __global__ void ffm_coefficient_row_sums(const float* __restrict__ coefficients, int bi, int bj, int i0,
                                                    double* __restrict__ rowSums) {
    __shared__ double shared[FFM_BLOCK];
    int p = blockIdx.x;
    if (p >= bi) {
        return; // uniform for the whole block
    }
    const float* row = coefficients + (long long) p * bj;
    double sum = 0.0;
    for (int q = threadIdx.x; q < bj; q += FFM_BLOCK) {
        sum += (double) row[q];
    }
    shared[threadIdx.x] = sum;
    __syncthreads();
    for (int stride = FFM_BLOCK / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] += shared[threadIdx.x + stride];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        rowSums[i0 + p] += shared[0];
    }
}

// grad[order[p]] = outScale * (rowSums[p] z_p + negCz_p), where negCz = -C Z was accumulated by SGEMM:
// sum_j C_pj (z_p - z_j) = (sum_j C_pj) z_p - (C Z)_p. Grid-stride over n*d elements.
extern "C" __global__ void ffm_euclidean_gradient(const float* __restrict__ z, const float* __restrict__ negCz,
                                                  const double* __restrict__ rowSums, const int* __restrict__ order,
                                                  int n, int d, double outScale, float* __restrict__ grad) {
    long long total = (long long) n * d;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / d);
        int t = (int) (e - (long long) p * d);
        double g = rowSums[p] * (double) z[e] + (double) negCz[e];
        grad[(long long) order[p] * d + t] = (float) (outScale * g);
    }
}
