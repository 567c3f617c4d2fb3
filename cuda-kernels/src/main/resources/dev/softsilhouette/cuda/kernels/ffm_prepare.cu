// Kernels of the ffm-cublas backend that prepare a batch and assemble the class-statistics metrics
// (SQUARED_EUCLIDEAN, COSINE; SPEC section 6). Rows are in class-sorted order ("position" p); the host passes
// `order[p]`, the caller's row at position p. The matrix products themselves are cuBLAS SGEMMs issued by the host.
//
// Determinism: no atomics; every reduction runs in a fixed order (serial loops or a fixed tree), in double.
// Self-contained: NVRTC compiles this text as it is (no includes).

#define FFM_BLOCK 128            // threads of the block-per-row / block-per-class kernels (the host launches exactly this)
#define FFM_SQUARED_EUCLIDEAN 1  // metric codes, as in the host's MetricCode
#define FFM_COSINE 2
// A row's squared distance to another class's mean from the expansion ||z_p||^2 - 2 <z_p, m_c> + ||m_c||^2 loses
// the bits of the float32 <z_p, m_c> (an SGEMM of float rows and float means) to cancellation when it is below
// (||z_p||^2 + ||m_c||^2) / FFM_CLASS_EXACT_RATIO: the row lies near a class mean far from the origin (classes that
// overlap, away from the batch's centre). Those entries are recomputed directly, in double, like the own class.
#define FFM_CLASS_EXACT_RATIO 16.0

// Sum of one double per thread over a block of FFM_BLOCK threads, in a fixed tree order; every thread gets it.
__device__ __forceinline__ double ffm_prepare_block_sum(double v, double* shared) {
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int stride = FFM_BLOCK / 2; stride > 0; stride >>= 1) {
        if (threadIdx.x < stride) {
            shared[threadIdx.x] += shared[threadIdx.x + stride];
        }
        __syncthreads();
    }
    double total = shared[0];
    __syncthreads(); // the caller may reuse `shared` right away
    return total;
}

// z[p][t] = (x[order[p]][t] / norms[p] - mean[t]) * scale (norms may be null: no division; mean may be null: no
// centring), in double, rounded once to float. Grid-stride over n*d elements.
// Centring makes the Gram and class-statistics expansions translation invariant (SPEC 6); `scale` is a power of two
// that brings the data to magnitude ~1 so that squares neither underflow nor overflow in float. For COSINE the rows
// are divided by their norms first: centred unit rows keep |u_i - u_j| (and so 1 - cos) to float precision even when
// every row points the same way, where 1 - <u_i, u_j> from uncentred float unit rows would be all rounding.
extern "C" __global__ void ffm_gather_rows(const float* __restrict__ x, const int* __restrict__ order,
                                           const double* __restrict__ norms, const double* __restrict__ mean,
                                           double scale, int n, int d, float* __restrict__ z) {
    long long total = (long long) n * d;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / d);
        int t = (int) (e - (long long) p * d);
        double v = (double) x[(long long) order[p] * d + t];
        if (norms != nullptr) {
            v /= norms[p];
        }
        if (mean != nullptr) {
            v -= mean[t];
        }
        z[e] = (float) (v * scale);
    }
}

// COSINE: z[p] /= max(||z[p]||, normFloor) in place; norms[p] receives that divisor and correction[p] the row's
// share of the floor correction, 0.5 (1 - ||u_p||^2) below the floor and exactly 0 above it (as the reference):
// 1 - <u_i, u_j> = ||u_i - u_j||^2 / 2 + correction[i] + correction[j]. One block per row.
extern "C" __global__ void ffm_normalize_rows(float* __restrict__ z, int n, int d, double normFloor,
                                              double* __restrict__ norms, double* __restrict__ correction) {
    __shared__ double shared[FFM_BLOCK];
    int p = blockIdx.x;
    if (p >= n) {
        return; // uniform for the whole block
    }
    float* row = z + (long long) p * d;
    double sq = 0.0;
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        double v = (double) row[t];
        sq += v * v;
    }
    double raw = sqrt(ffm_prepare_block_sum(sq, shared));
    double norm = fmax(raw, normFloor);
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        row[t] = (float) ((double) row[t] / norm);
    }
    if (threadIdx.x == 0) {
        norms[p] = norm;
        double unit = raw / norm;
        correction[p] = raw >= normFloor ? 0.0 : 0.5 * (1.0 - unit * unit);
    }
}

// rowSq[p] = ||z[p]||^2 and, when classMean is not null, rowOwn[p] = ||z[p] - classMean[y[p]]||^2 (double).
// One block per row.
extern "C" __global__ void ffm_row_terms(const float* __restrict__ z, const int* __restrict__ y,
                                         const double* __restrict__ classMean, int n, int d,
                                         double* __restrict__ rowSq, double* __restrict__ rowOwn) {
    __shared__ double shared[FFM_BLOCK];
    int p = blockIdx.x;
    if (p >= n) {
        return;
    }
    const float* row = z + (long long) p * d;
    double sq = 0.0;
    double own = 0.0;
    const double* mean = classMean == nullptr ? nullptr : classMean + (long long) y[p] * d;
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        double v = (double) row[t];
        sq += v * v;
        if (mean != nullptr) {
            double diff = v - mean[t];
            own += diff * diff;
        }
    }
    double sqTotal = ffm_prepare_block_sum(sq, shared);
    double ownTotal = ffm_prepare_block_sum(own, shared);
    if (threadIdx.x == 0) {
        rowSq[p] = sqTotal;
        if (mean != nullptr) {
            rowOwn[p] = ownTotal;
        }
    }
}

// meanD[c][t] = mean of z over the rows of class c (positions offsets[c] .. offsets[c+1]-1), meanF its float copy
// (the SGEMM operand). Grid-stride over k*d elements; adjacent threads read adjacent columns.
extern "C" __global__ void ffm_class_means(const float* __restrict__ z, const int* __restrict__ offsets, int k, int d,
                                           double* __restrict__ meanD, float* __restrict__ meanF) {
    long long total = (long long) k * d;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int c = (int) (e / d);
        int t = (int) (e - (long long) c * d);
        int begin = offsets[c];
        int end = offsets[c + 1];
        double sum = 0.0;
        for (int p = begin; p < end; p++) {
            sum += (double) z[(long long) p * d + t];
        }
        double mean = sum / (double) (end - begin);
        meanD[e] = mean;
        meanF[e] = (float) mean;
    }
}

// classSq[c] = ||meanD[c]||^2, classScatter[c] = sum over the rows p of class c of rowOwn[p] and, when rowCorrection
// is not null, classCorrection[c] the same sum of rowCorrection[p] (COSINE). One block per class.
extern "C" __global__ void ffm_class_terms(const double* __restrict__ meanD, const double* __restrict__ rowOwn,
                                           const double* __restrict__ rowCorrection,
                                           const int* __restrict__ offsets, int k, int d,
                                           double* __restrict__ classSq, double* __restrict__ classScatter,
                                           double* __restrict__ classCorrection) {
    __shared__ double shared[FFM_BLOCK];
    int c = blockIdx.x;
    if (c >= k) {
        return;
    }
    const double* mean = meanD + (long long) c * d;
    double sq = 0.0;
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        sq += mean[t] * mean[t];
    }
    double scatter = 0.0;
    double corr = 0.0;
    for (int p = offsets[c] + threadIdx.x; p < offsets[c + 1]; p += FFM_BLOCK) {
        scatter += rowOwn[p];
        if (rowCorrection != nullptr) {
            corr += rowCorrection[p];
        }
    }
    double sqTotal = ffm_prepare_block_sum(sq, shared);
    double scatterTotal = ffm_prepare_block_sum(scatter, shared);
    double corrTotal = ffm_prepare_block_sum(corr, shared);
    if (threadIdx.x == 0) {
        classSq[c] = sqTotal;
        classScatter[c] = scatterTotal;
        if (rowCorrection != nullptr) {
            classCorrection[c] = corrTotal;
        }
    }
}

// sums[p][c] = sum over rows j != p of class c of d(z_p, z_j), from the class statistics, with
// dot[p][c] = <z_p, meanF[c]> (an SGEMM). Own class: from rowOwn, computed directly (no cancellation); another class
// directly too (from z and meanD, in double) where the expansion cancels (FFM_CLASS_EXACT_RATIO).
//   SQUARED_EUCLIDEAN: sum_{j in c} ||z_p - z_j||^2 = n_c ||z_p - m_c||^2 + W_c  (W_c = classScatter[c])
//   COSINE (z the centred unit rows, scale 1): 1 - <u_p, u_j> = ||z_p - z_j||^2 / 2 + r_p + r_j (r the floor
//     correction), so sum_{j in c, j != p} = (n_c ||z_p - m_c||^2 + W_c) / 2 + (n_c - [own]) r_p + R_c - [own] r_p
// Grid-stride over n*k elements.
extern "C" __global__ void ffm_class_stat_sums(const float* __restrict__ dot, const float* __restrict__ z,
                                               const double* __restrict__ meanD, int d,
                                               const double* __restrict__ rowSq,
                                               const double* __restrict__ rowOwn, const double* __restrict__ classSq,
                                               const double* __restrict__ classScatter,
                                               const double* __restrict__ rowCorrection,
                                               const double* __restrict__ classCorrection, const int* __restrict__ y,
                                               const int* __restrict__ offsets, int n, int k, int metric,
                                               double* __restrict__ sums) {
    long long total = (long long) n * k;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / k);
        int c = (int) (e - (long long) p * k);
        double size = (double) (offsets[c + 1] - offsets[c]);
        bool own = c == y[p];
        double toMean;
        if (own) {
            toMean = rowOwn[p];
        } else {
            toMean = rowSq[p] - 2.0 * (double) dot[e] + classSq[c];
            if (toMean < (rowSq[p] + classSq[c]) * (1.0 / FFM_CLASS_EXACT_RATIO)) {
                const float* row = z + (long long) p * d;
                const double* mean = meanD + (long long) c * d;
                toMean = 0.0;
                for (int t = 0; t < d; t++) {
                    double diff = (double) row[t] - mean[t];
                    toMean += diff * diff;
                }
            }
            toMean = fmax(toMean, 0.0);
        }
        double sum = size * toMean + classScatter[c];
        if (metric == FFM_COSINE) {
            double others = own ? size - 1.0 : size;
            sum = 0.5 * sum + others * rowCorrection[p] + classCorrection[c] - (own ? rowCorrection[p] : 0.0);
        }
        sums[e] = fmax(sum, 0.0);
    }
}

// classCoefSum[c] = sum over the rows p, in order, of coef[p][c] (coef: N x K, class-sorted rows, from
// row_silhouettes). One thread per class; adjacent threads read adjacent columns.
extern "C" __global__ void ffm_coefficient_class_sums(const double* __restrict__ coef, int n, int k,
                                                      double* __restrict__ classCoefSum) {
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    if (c >= k) {
        return;
    }
    double sum = 0.0;
    for (int p = 0; p < n; p++) {
        sum += coef[(long long) p * k + c];
    }
    classCoefSum[c] = sum;
}

// The operands of the class-statistics backward, on the device: coefF = coef and scaledF = coef * n_c as floats
// (SGEMM inputs), ownCoef[p] = coef[p][y_p] and rowScale[p] = sum_c coef[p][c] n_c (classes in order) +
// classCoefSum[y_p]. One thread per row.
extern "C" __global__ void ffm_coefficient_operands(const double* __restrict__ coef,
                                                    const double* __restrict__ classCoefSum,
                                                    const int* __restrict__ y, const int* __restrict__ offsets,
                                                    int n, int k, float* __restrict__ coefF,
                                                    float* __restrict__ scaledF, double* __restrict__ rowScale,
                                                    double* __restrict__ ownCoef) {
    int p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= n) {
        return;
    }
    const double* row = coef + (long long) p * k;
    double weighted = 0.0;
    for (int c = 0; c < k; c++) {
        double value = row[c];
        double size = (double) (offsets[c + 1] - offsets[c]);
        coefF[(long long) p * k + c] = (float) value;
        scaledF[(long long) p * k + c] = (float) (value * size);
        weighted += value * size;
    }
    int own = y[p];
    rowScale[p] = weighted + classCoefSum[own];
    ownCoef[p] = row[own];
}

// SQUARED_EUCLIDEAN gradient, scattered back to the caller's row order:
//   grad[order[p]] = outScale * 2 * (rowScale[p] z_p - R_p - T[y_p])
// with R = (coef * n) M (SGEMM), T = coef^T Z (SGEMM), rowScale[p] = sum_c coef[p][c] n_c + sum_j coef[j][y_p].
// Grid-stride over n*d elements.
extern "C" __global__ void ffm_squared_euclidean_gradient(const float* __restrict__ z, const float* __restrict__ r,
                                                          const float* __restrict__ tc, const double* __restrict__ rowScale,
                                                          const int* __restrict__ y, const int* __restrict__ order,
                                                          int n, int d, double outScale, float* __restrict__ grad) {
    long long total = (long long) n * d;
    long long step = (long long) gridDim.x * blockDim.x;
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; e += step) {
        int p = (int) (e / d);
        int t = (int) (e - (long long) p * d);
        double g = rowScale[p] * (double) z[e] - (double) r[e] - (double) tc[(long long) y[p] * d + t];
        grad[(long long) order[p] * d + t] = (float) (2.0 * outScale * g);
    }
}

// COSINE gradient, scattered back to the caller's row order. z are the centred unit rows, u_p = z_p + mean.
// With C_pj = coef[p][y_j] + coef[j][y_p], V_p = sum_{j != p} C_pj u_j
//   = R_p + T[y_p] - 2 ownCoef[p] z_p + (rowScale[p] - 2 ownCoef[p]) mean   (sum_{j != p} C_pj = rowScale - 2 own)
// and grad[order[p]] = -(V_p - <u_p, V_p> u_p) / norms[p]. One block per row.
extern "C" __global__ void ffm_cosine_gradient(const float* __restrict__ z, const float* __restrict__ r,
                                               const float* __restrict__ tc, const double* __restrict__ ownCoef,
                                               const double* __restrict__ rowScale, const double* __restrict__ mean,
                                               const double* __restrict__ norms, const int* __restrict__ y,
                                               const int* __restrict__ order, int n, int d,
                                               float* __restrict__ grad) {
    __shared__ double shared[FFM_BLOCK];
    int p = blockIdx.x;
    if (p >= n) {
        return;
    }
    const float* row = z + (long long) p * d;
    const float* rRow = r + (long long) p * d;
    const float* tRow = tc + (long long) y[p] * d;
    double self = 2.0 * ownCoef[p];
    double meanWeight = rowScale[p] - self;
    double dot = 0.0;
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        double v = (double) rRow[t] + (double) tRow[t] - self * (double) row[t] + meanWeight * mean[t];
        dot += ((double) row[t] + mean[t]) * v;
    }
    double projection = ffm_prepare_block_sum(dot, shared);
    double inverseNorm = 1.0 / norms[p];
    float* out = grad + (long long) order[p] * d;
    for (int t = threadIdx.x; t < d; t += FFM_BLOCK) {
        double v = (double) rRow[t] + (double) tRow[t] - self * (double) row[t] + meanWeight * mean[t];
        out[t] = (float) (-(v - projection * ((double) row[t] + mean[t])) * inverseNorm);
    }
}
