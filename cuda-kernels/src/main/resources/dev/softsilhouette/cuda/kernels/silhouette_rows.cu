// Row preparation, the per-row silhouette math and the final gradient scatter, shared by every metric.
#include "common.cuh"

// Gathers rows into class order and prepares them, one block (SS_THREADS threads) per sorted position p:
//   normalise == 0 (Euclidean metrics): z_p = (x_r - mean) * scale, a translation and a power-of-two scaling
//                                       that leave the silhouette unchanged; rowNorm[p] = 0.
//   normalise != 0 (cosine):            z_p = x_r / max(|x_r|, 1e-12); rowNorm[p] = max(|x_r|, 1e-12).
// selfDot[p] = |z_p|^2 of the float values actually stored, accumulated in double.
extern "C" __global__ void prepare_rows(const float* __restrict__ x, const int* __restrict__ sortedRows,
                                        const double* __restrict__ mean, double scale, int normalise, int n, int d,
                                        float* __restrict__ z, double* __restrict__ selfDot,
                                        double* __restrict__ rowNorm) {
    __shared__ double scratch[SS_THREADS];
    const int p = blockIdx.x;
    if (p >= n) {
        return; // uniform per block
    }
    const float* xr = x + (size_t)sortedRows[p] * d;
    float* zp = z + (size_t)p * d;
    double norm = 1.0;
    if (normalise) {
        double sq = 0.0;
        for (int t = threadIdx.x; t < d; t += SS_THREADS) {
            const double v = xr[t];
            sq += v * v;
        }
        norm = fmax(sqrt(ss_block_sum(sq, scratch)), 1e-12);
    }
    double self = 0.0;
    for (int t = threadIdx.x; t < d; t += SS_THREADS) {
        const double v = normalise ? (double)xr[t] / norm : ((double)xr[t] - mean[t]) * scale;
        const float f = (float)v;
        zp[t] = f;
        self += (double)f * (double)f;
    }
    self = ss_block_sum(self, scratch);
    if (threadIdx.x == 0) {
        selfDot[p] = self;
        rowNorm[p] = normalise ? norm : 0.0;
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
        if (zero) {
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

// grad[sortedRows[p]][t] = (float)(g[p][t] * scale): back to the caller's row order and coordinates. One block per
// sorted position.
extern "C" __global__ void scatter_gradient(const double* __restrict__ g, const int* __restrict__ sortedRows,
                                            double scale, int n, int d, float* __restrict__ grad) {
    const int p = blockIdx.x;
    if (p >= n) {
        return;
    }
    const double* gp = g + (size_t)p * d;
    float* out = grad + (size_t)sortedRows[p] * d;
    for (int t = threadIdx.x; t < d; t += blockDim.x) {
        out[t] = (float)(gp[t] * scale);
    }
}
