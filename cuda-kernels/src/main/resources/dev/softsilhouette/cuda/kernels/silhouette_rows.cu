// Row preparation, the per-row silhouette math and the final gradient scatter, shared by every metric.
#include "common.cuh"

// Gathers rows into class order and prepares them, one block (SS_THREADS threads) per sorted position p, with a
// translation (mean, float64 D, from column_spread) and a power-of-two scaling chosen by the host so that the stored float32 values
// carry the rows' differences, not their common offset:
//   normalise == 0 (Euclidean metrics): z_p = (x_r - mean) * scale; the silhouette is translation and scale
//                                       invariant. rowNorm[p] = rowExcess[p] = 0.
//   normalise != 0 (cosine):            u_r = x_r / max(|x_r|, 1e-12), z_p = (u_r - mean) * scale, where mean is
//                                       the mean of the u's: 1 - <u_i, u_j> = (|u_i - u_j|^2 + e_i + e_j) / 2 with
//                                       e = 1 - |u|^2 (0 unless |x| < 1e-12), and |u_i - u_j| is what z keeps.
//                                       rowNorm[p] = max(|x_r|, 1e-12), rowExcess[p] = e.
// selfDot[p] = |z_p|^2 of the float values actually stored, accumulated in double.
extern "C" __global__ void prepare_rows(const float* __restrict__ x, const int* __restrict__ sortedRows,
                                        const double* __restrict__ mean, double scale, int normalise, int n, int d,
                                        float* __restrict__ z, double* __restrict__ selfDot,
                                        double* __restrict__ rowNorm, double* __restrict__ rowExcess) {
    __shared__ double scratch[SS_THREADS];
    const int p = blockIdx.x;
    if (p >= n) {
        return; // uniform per block
    }
    const float* xr = x + (size_t)sortedRows[p] * d;
    float* zp = z + (size_t)p * d;
    double norm = 1.0;
    double excess = 0.0;
    if (normalise) {
        double sq = 0.0;
        for (int t = threadIdx.x; t < d; t += SS_THREADS) {
            const double v = xr[t];
            sq += v * v;
        }
        const double raw = sqrt(ss_block_sum(sq, scratch));
        norm = fmax(raw, 1e-12);
        if (raw < 1e-12) {
            const double q = raw * 1e12;
            excess = 1.0 - q * q;
        }
    }
    double self = 0.0;
    for (int t = threadIdx.x; t < d; t += SS_THREADS) {
        const double u = normalise ? (double)xr[t] / norm : (double)xr[t];
        const float f = (float)((u - mean[t]) * scale);
        zp[t] = f;
        self += (double)f * (double)f;
    }
    self = ss_block_sum(self, scratch);
    if (threadIdx.x == 0) {
        selfDot[p] = self;
        rowNorm[p] = normalise ? norm : 0.0;
        rowExcess[p] = excess;
    }
}

// s_p for every sorted position p from sums[p][c] = sum_{j != p, y_j = c} d(z_p, z_j) (SPEC 3), and, when
// gradient != 0, overwrites sums[p][.] with coef[p][c] = -w_p * ds_p / d sums[p][c] (SPEC 5). The same
// arithmetic, in the same order, as SilhouetteMath.rowSilhouette. One thread per row.
extern "C" __global__ void row_silhouettes(double* __restrict__ sums, const int* __restrict__ sortedLabels,
                                           const int* __restrict__ classOffsets, const int* __restrict__ sortedRows,
                                           const float* __restrict__ rowWeights, int hasRowWeights, double tau,
                                           double weight, int gradient, int n, int k,
                                           double* __restrict__ silhouettes) {
    const int p = blockIdx.x * blockDim.x + threadIdx.x;
    if (p >= n) {
        return;
    }
    double* row = sums + (size_t)p * k;
    const int own = sortedLabels[p];
    const int ownSize = classOffsets[own + 1] - classOffsets[own];
    bool zero = ownSize < 2 || k < 2; // singleton class or a single class: s = 0, no gradient
    double s = 0.0, dsda = 0.0, dsdb = 0.0, b = 0.0, z = 0.0, mn = 0.0;
    int argmin = -1;
    if (!zero) {
        const double a = row[own] / (ownSize - 1);
        mn = 1.0 / 0.0;
        for (int c = 0; c < k; c++) {
            if (c != own) {
                const double delta = row[c] / (classOffsets[c + 1] - classOffsets[c]);
                if (delta < mn) {
                    mn = delta;
                    argmin = c;
                }
            }
        }
        if (tau == 0.0) {
            b = mn;
        } else {
            double weighted = 0.0;
            for (int c = 0; c < k; c++) {
                if (c != own) {
                    const double delta = row[c] / (classOffsets[c + 1] - classOffsets[c]);
                    const double e = exp(-(delta - mn) / tau);
                    z += e;
                    weighted += e * delta;
                }
            }
            b = weighted / z;
            if (b < mn) {
                b = mn;
            }
        }
        const double m = fmax(a, b);
        if (m == 0.0) {
            zero = true;
        } else if (a < b) {
            s = 1.0 - a / b;
            dsda = -1.0 / b;
            dsdb = a / (b * b);
        } else {
            s = b / a - 1.0;
            dsda = -b / (a * a);
            dsdb = 1.0 / a;
        }
    }
    silhouettes[p] = zero ? 0.0 : fmax(-1.0, fmin(1.0, s));
    if (!gradient) {
        return;
    }
    const double w = weight * (hasRowWeights ? (double)rowWeights[sortedRows[p]] : 1.0);
    for (int c = 0; c < k; c++) {
        double derivative = 0.0;
        if (zero || row[c] == 0.0) {
            // A class whose distance sum is exactly 0 has every pair at distance 0, where the pair derivative is 0:
            // no gradient (as SilhouetteMath), and no 1/b-sized coefficient times rounding noise when b -> 0.
            derivative = 0.0;
        } else if (c == own) {
            derivative = dsda / (ownSize - 1);
        } else if (tau == 0.0) {
            derivative = c == argmin ? dsdb / (classOffsets[c + 1] - classOffsets[c]) : 0.0;
        } else {
            const int size = classOffsets[c + 1] - classOffsets[c];
            const double delta = row[c] / size;
            const double e = exp(-(delta - mn) / tau);
            if (e != 0.0) {
                const double pi = e / z;
                derivative = dsdb * (pi * (1.0 - (delta - b) / tau)) / size;
            }
        }
        row[c] = derivative == 0.0 ? 0.0 : -w * derivative;
    }
}

// grad[sortedRows[p]][t] = (float)((sum over the slabs s in order of g[s][p][t]) * scale): the slabs of a split
// backward added in a fixed order, back to the caller's row order and coordinates. One block per sorted position.
extern "C" __global__ void scatter_gradient(const double* __restrict__ g, int slabs, const int* __restrict__ sortedRows,
                                            double scale, int n, int d, float* __restrict__ grad) {
    const int p = blockIdx.x;
    if (p >= n) {
        return;
    }
    const size_t slab = (size_t)n * d;
    const double* gp = g + (size_t)p * d;
    float* out = grad + (size_t)sortedRows[p] * d;
    for (int t = threadIdx.x; t < d; t += blockDim.x) {
        double v = gp[t];
        for (int s = 1; s < slabs; s++) {
            v += gp[s * slab + t];
        }
        out[t] = (float)(v * scale);
    }
}

// Conditioning on the device (SPEC 6: centre the batch; and a power of two that keeps squares of 1e-20 or 1e18 data
// inside float): the column means of the rows as prepare_rows will read them (COSINE: the unit rows), and each
// column's largest distance from its mean, from which the host picks the power of two. Three fixed-order passes, no
// atomics.

// COSINE: rowNorm[r] = max(|x_r|, 1e-12), the divisor prepare_rows uses (the same block sum). One block per row.
extern "C" __global__ void row_norms(const float* __restrict__ x, int n, int d, double* __restrict__ rowNorm) {
    __shared__ double scratch[SS_THREADS];
    const int r = blockIdx.x;
    if (r >= n) {
        return; // uniform per block
    }
    const float* xr = x + (size_t)r * d;
    double sq = 0.0;
    for (int t = threadIdx.x; t < d; t += SS_THREADS) {
        const double v = xr[t];
        sq += v * v;
    }
    const double raw = sqrt(ss_block_sum(sq, scratch));
    if (threadIdx.x == 0) {
        rowNorm[r] = fmax(raw, 1e-12);
    }
}

// Block (x: blockDim.x columns, y: chunk c of rowsPerChunk rows) writes, for its columns t, the sum (double),
// the minimum and the maximum of x[r][t] (divided by rowNorm[r] when rowNorm is not null) over the rows of chunk c:
// partials[c][0][t], partials[c][1][t], partials[c][2][t]. Adjacent threads read adjacent columns.
extern "C" __global__ void column_partials(const float* __restrict__ x, const double* __restrict__ rowNorm, int n,
                                           int d, int rowsPerChunk, double* __restrict__ partials) {
    const int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= d) {
        return;
    }
    const int first = blockIdx.y * rowsPerChunk;
    const int last = min(n, first + rowsPerChunk);
    double sum = 0.0;
    double lo = INFINITY;
    double hi = -INFINITY;
    for (int r = first; r < last; r++) {
        double v = x[(size_t)r * d + t];
        if (rowNorm != nullptr) {
            v /= rowNorm[r];
        }
        sum += v;
        lo = fmin(lo, v);
        hi = fmax(hi, v);
    }
    double* out = partials + (size_t)blockIdx.y * 3 * d;
    out[t] = sum;
    out[d + t] = lo;
    out[2 * d + t] = hi;
}

// mean[t] = (sum of the chunks' sums in chunk order) / n, spread[t] = max(max - mean, mean - min). One thread per
// column.
extern "C" __global__ void column_spread(const double* __restrict__ partials, int chunks, int n, int d,
                                         double* __restrict__ mean, double* __restrict__ spread) {
    const int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= d) {
        return;
    }
    double sum = 0.0;
    double lo = INFINITY;
    double hi = -INFINITY;
    for (int c = 0; c < chunks; c++) {
        const double* in = partials + (size_t)c * 3 * d;
        sum += in[t];
        lo = fmin(lo, in[d + t]);
        hi = fmax(hi, in[2 * d + t]);
    }
    const double m = sum / n;
    mean[t] = m;
    spread[t] = fmax(hi - m, m - lo);
}

// GPU-resident calls read the embeddings where the caller holds them, so their finiteness (SPEC 9) is checked here,
// before anything of the caller's is written. *first, one 64-bit word the host zeroed, stays 0 when every one of
// the N x D floats at x is finite; otherwise it ends as ((N*D - i) << 2) | kind for the first non-finite value x[i]
// (kind 0: NaN, 1: +infinity, 2: -infinity), because the largest key is the lowest index: the same answer whatever
// order the threads run in. Grid-stride, coalesced: one read of X.
extern "C" __global__ void find_non_finite(const float* __restrict__ x, int n, int d,
                                           unsigned long long* __restrict__ first) {
    const long long count = (long long)n * d;
    const long long stride = (long long)gridDim.x * blockDim.x;
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) {
        const float v = x[i];
        if (!isfinite(v)) {
            const unsigned long long kind = isnan(v) ? 0ull : (v > 0.0f ? 1ull : 2ull);
            atomicMax(first, ((unsigned long long)(count - i) << 2) | kind);
        }
    }
}
