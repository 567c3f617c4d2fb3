// SQUARED_EUCLIDEAN and COSINE through per-class statistics (SPEC 6): O(N*K*D), no pair is ever formed.
// Rows are prepared and class-sorted (silhouette_rows.cu: prepare_rows); everything is accumulated in double, in a
// fixed order (no atomics), so results are bit-identical run to run.
#include "common.cuh"

#define SS_GEMM_TILE 16

// S_k = sum of the rows of class k (K x D), Q_k = sum of their squared norms, E_k = sum of their excesses (see
// prepare_rows). Grid (K, ceil(D / 128)), 128 threads; each thread walks its class's rows in order.
extern "C" __global__ void class_sums(const float* __restrict__ z, const double* __restrict__ selfDot,
                                      const double* __restrict__ rowExcess, const int* __restrict__ classOffsets,
                                      int k, int d, double* __restrict__ classSum, double* __restrict__ classSq,
                                      double* __restrict__ classExcess) {
    const int c = blockIdx.x;
    const int t = blockIdx.y * blockDim.x + threadIdx.x;
    const int begin = classOffsets[c];
    const int end = classOffsets[c + 1];
    if (t < d) {
        double sum = 0.0;
        for (int p = begin; p < end; p++) {
            sum += (double)z[(size_t)p * d + t];
        }
        classSum[(size_t)c * d + t] = sum;
    }
    if (blockIdx.y == 0 && threadIdx.x == 0) {
        double sq = 0.0;
        double excess = 0.0;
        for (int p = begin; p < end; p++) {
            sq += selfDot[p];
            excess += rowExcess[p];
        }
        classSq[c] = sq;
        classExcess[c] = excess;
    }
}

// C[m][n] = sum_l A[m * am + l * al] * B[l * bl + n * bn] (C row-major, ldc = cols), in double, l in increasing
// order within 16-wide shared tiles. Strides let the three products below read their operands in place.
template <typename TA, typename TB>
__device__ __forceinline__ void strided_gemm(const TA* __restrict__ a, long long am, long long al,
                                             const TB* __restrict__ b, long long bl, long long bn,
                                             int rows, int cols, int inner, double* __restrict__ c) {
    __shared__ double as[SS_GEMM_TILE][SS_GEMM_TILE + 1];
    __shared__ double bs[SS_GEMM_TILE][SS_GEMM_TILE + 1];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int m = blockIdx.y * SS_GEMM_TILE + ty;
    const int n = blockIdx.x * SS_GEMM_TILE + tx;
    const int am0 = blockIdx.y * SS_GEMM_TILE;
    const int bn0 = blockIdx.x * SS_GEMM_TILE;
    double acc = 0.0;
    for (int l0 = 0; l0 < inner; l0 += SS_GEMM_TILE) {
        // as[row][l], bs[l][col]
        const int ar = am0 + ty;
        const int al0 = l0 + tx;
        as[ty][tx] = (ar < rows && al0 < inner) ? (double)a[(long long)ar * am + (long long)al0 * al] : 0.0;
        const int bl0 = l0 + ty;
        const int bc = bn0 + tx;
        bs[ty][tx] = (bl0 < inner && bc < cols) ? (double)b[(long long)bl0 * bl + (long long)bc * bn] : 0.0;
        __syncthreads();
#pragma unroll
        for (int l = 0; l < SS_GEMM_TILE; l++) {
            acc += as[ty][l] * bs[l][tx];
        }
        __syncthreads();
    }
    if (m < rows && n < cols) {
        c[(size_t)m * cols + n] = acc;
    }
}

// dots[p][k] = <z_p, S_k>: N x K.
extern "C" __global__ void gemm_rows_classes(const float* __restrict__ z, const double* __restrict__ classSum,
                                             int n, int k, int d, double* __restrict__ dots) {
    strided_gemm<float, double>(z, d, 1, classSum, 1, d, n, k, d, dots);
}

// w[c][t] = sum_p coef[p][c] * z_p[t]: K x D.
extern "C" __global__ void gemm_coef_rows(const double* __restrict__ coef, const float* __restrict__ z,
                                          int n, int k, int d, double* __restrict__ w) {
    strided_gemm<double, float>(coef, 1, k, z, d, 1, k, d, n, w);
}

// acc[p][t] = sum_c coef[p][c] * S_c[t]: N x D.
extern "C" __global__ void gemm_coef_classes(const double* __restrict__ coef, const double* __restrict__ classSum,
                                             int n, int k, int d, double* __restrict__ acc) {
    strided_gemm<double, double>(coef, k, 1, classSum, d, 1, n, d, k, acc);
}

// In place, dots[p][c] = <z_p, S_c>  ->  sums[p][c] = sum_{j != p, y_j = c} d(x_p, x_j), clamped at 0. With
// sq = n_c |z_p|^2 - 2 <z_p, S_c> + Q_c = sum_{y_j = c} |z_p - z_j|^2 (the j = p term is 0):
//   cosine == 0: sq (squared Euclidean, in prepared units);
//   cosine != 0: (sq / scale^2 + n'_c e_p + E'_c) / 2, with n'_c and E'_c leaving out j = p in the own class
//                (1 - <u_p, u_j> = (|u_p - u_j|^2 + e_p + e_j) / 2; see prepare_rows).
extern "C" __global__ void class_distance_sums(double* __restrict__ sums, const double* __restrict__ selfDot,
                                               const double* __restrict__ classSq,
                                               const double* __restrict__ rowExcess,
                                               const double* __restrict__ classExcess,
                                               const int* __restrict__ sortedLabels,
                                               const int* __restrict__ classOffsets, int cosine,
                                               double inverseScaleSquared, int n, int k) {
    const size_t total = (size_t)n * k;
    for (size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x; idx < total;
         idx += (size_t)gridDim.x * blockDim.x) {
        const int p = (int)(idx / k);
        const int c = (int)(idx % k);
        const double size = classOffsets[c + 1] - classOffsets[c];
        const double sq = size * selfDot[p] - 2.0 * sums[idx] + classSq[c];
        double v = sq;
        if (cosine) {
            const bool own = c == sortedLabels[p];
            const double others = own ? size - 1.0 : size;
            const double excess = own ? classExcess[c] - rowExcess[p] : classExcess[c];
            v = 0.5 * (sq * inverseScaleSquared + others * rowExcess[p] + excess);
        }
        sums[idx] = v > 0.0 ? v : 0.0;
    }
}

// v[c] = sum_p coef[p][c], p in increasing order. One thread per class.
extern "C" __global__ void coef_column_sums(const double* __restrict__ coef, int n, int k, double* __restrict__ v) {
    const int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= k) {
        return;
    }
    double sum = 0.0;
    for (int p = 0; p < n; p++) {
        sum += coef[(size_t)p * k + c];
    }
    v[c] = sum;
}

// The gradient of each sorted row, in place over acc (which holds sum_c coef[p][c] S_c). With c = y_p and
// A_p = acc_p + W_c, a_p = sum_k coef[p][k] n_k + V_c (both include the j = p terms, 2 coef[p][c] z_p and
// 2 coef[p][c]), and m_pj = coef[p][y_j] + coef[j][c]:
//   squared Euclidean, prepared units: G_p = sum_{j != p} m_pj 2 (z_p - z_j) = 2 (a_p z_p - A_p) (the j = p terms
//                                      cancel exactly);
//   cosine, caller's units:            R_p = sum_{j != p} m_pj u_j = (A_p - 2 coef[p][c] z_p) / scale
//                                            + mean (a_p - 2 coef[p][c]),  u_p = z_p / scale + mean,
//                                      G_p = -(R_p - <u_p, R_p> u_p) / max(|x_p|, 1e-12)   (SPEC 5).
// One block (SS_THREADS threads) per sorted position.
extern "C" __global__ void class_gradient_rows(double* __restrict__ acc, const double* __restrict__ w,
                                               const double* __restrict__ v, const double* __restrict__ coef,
                                               const float* __restrict__ z, const double* __restrict__ rowNorm,
                                               const double* __restrict__ mean,
                                               const int* __restrict__ sortedLabels,
                                               const int* __restrict__ classOffsets, int cosine, double scale,
                                               int n, int k, int d) {
    __shared__ double scratch[SS_THREADS];
    const int p = blockIdx.x;
    if (p >= n) {
        return; // uniform per block
    }
    const int own = sortedLabels[p];
    const double* coefRow = coef + (size_t)p * k;
    const float* zp = z + (size_t)p * d;
    double* ap = acc + (size_t)p * d;
    const double* wc = w + (size_t)own * d;
    double partial = 0.0;
    for (int c = threadIdx.x; c < k; c += SS_THREADS) {
        partial += coefRow[c] * (double)(classOffsets[c + 1] - classOffsets[c]);
    }
    const double scalar = ss_block_sum(partial, scratch) + v[own];
    if (!cosine) {
        for (int t = threadIdx.x; t < d; t += SS_THREADS) {
            ap[t] = 2.0 * (scalar * (double)zp[t] - (ap[t] + wc[t]));
        }
    } else {
        const double self = 2.0 * coefRow[own];
        const double inverseScale = 1.0 / scale;
        double dot = 0.0;
        for (int t = threadIdx.x; t < d; t += SS_THREADS) {
            const double r = (ap[t] + wc[t] - self * (double)zp[t]) * inverseScale + mean[t] * (scalar - self);
            ap[t] = r;
            dot += r * ((double)zp[t] * inverseScale + mean[t]);
        }
        const double projection = ss_block_sum(dot, scratch);
        const double inverseNorm = 1.0 / rowNorm[p];
        // Each thread rewrites only the entries it wrote above, so no barrier is needed between the passes.
        for (int t = threadIdx.x; t < d; t += SS_THREADS) {
            const double u = (double)zp[t] * inverseScale + mean[t];
            ap[t] = -(ap[t] - projection * u) * inverseNorm;
        }
    }
}
