// EUCLIDEAN: fused tiles of the Gram computation on class-sorted, centred and scaled rows (SPEC 6). Each unordered
// pair of SS_TILE-row tiles is handled once (symmetry); distances never leave shared memory, so there is no N x N
// buffer. Deterministic: no atomics; every output element has exactly one writer per launch, and each writer adds in
// a fixed order.
//
// Partial sums layout (EuclideanTilePlan on the host): the columns of tile t span the classes
// tileFirstClass[t] .. tileFirstClass[t+1]-ish; each (tile, class) intersection is a "segment", numbered
// tileSegStart[t] + (class - tileFirstClass[t]). partials[p][segment] (N x segments, float) is the sum of d(z_p, z_j)
// over the rows j of that segment (one tile's worth, at most SS_TILE terms); euclidean_segment_sums adds a class's
// segments in tile order, in double.
#include "common.cuh"

// acc[q][r] = <z_{i0 + ty + 16q}, z_{j0 + tx + 16r}> for a 64 x 64 tile; rows past n read as zero.
__device__ __forceinline__ void tile_gram(const float* __restrict__ z, int n, int d, int i0, int j0,
                                          float (*as)[SS_TILE + 1], float (*bs)[SS_TILE + 1], float acc[4][4]) {
    const int tid = threadIdx.x;
    const int tx = tid % 16;
    const int ty = tid / 16;
#pragma unroll
    for (int q = 0; q < 4; q++) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            acc[q][r] = 0.0f;
        }
    }
    for (int k0 = 0; k0 < d; k0 += SS_KCHUNK) {
        for (int e = tid; e < SS_TILE * SS_KCHUNK; e += SS_THREADS) {
            const int row = e / SS_KCHUNK;
            const int col = e % SS_KCHUNK;
            const int gc = k0 + col;
            const int gi = i0 + row;
            const int gj = j0 + row;
            as[col][row] = (gi < n && gc < d) ? z[(size_t)gi * d + gc] : 0.0f;
            bs[col][row] = (gj < n && gc < d) ? z[(size_t)gj * d + gc] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < SS_KCHUNK; kk++) {
            float a[4];
            float b[4];
#pragma unroll
            for (int q = 0; q < 4; q++) {
                a[q] = as[kk][ty + 16 * q];
                b[q] = bs[kk][tx + 16 * q];
            }
#pragma unroll
            for (int q = 0; q < 4; q++) {
#pragma unroll
                for (int r = 0; r < 4; r++) {
                    acc[q][r] = fmaf(a[q], b[r], acc[q][r]);
                }
            }
        }
        __syncthreads();
    }
}

// d(z_i, z_j) from the Gram entry: 0 on the diagonal and for padding rows, and -1 (SS_NEAR) for a near pair whose
// expanded form lost more than 8 bits to cancellation; recompute_near_pairs fills those in.
#define SS_NEAR (-1.0f)
__device__ __forceinline__ float expanded_distance(int n, int gi, int gj, float normI, float normJ, float gram) {
    if (gi >= n || gj >= n || gi == gj) {
        return 0.0f;
    }
    const float sq = normI + normJ - 2.0f * gram;
    if (sq < (normI + normJ) * (1.0f / SS_EXACT_RATIO)) {
        return SS_NEAR;
    }
    return sqrtf(fmaxf(sq, 0.0f));
}

// The near pairs of the calling thread's 4 x 4 block (bit 4q + r of nearMask: pair (ty + 16q, tx + 16r) of the tile)
// get their distance computed directly, sqrt(sum_t (z_i - z_j)^2), written to out[li][lj]. Cooperative, one pair
// at a time per warp: the warp takes its lanes' pending pairs lowest lane and lowest bit first, lane l sums the
// columns l, l + 32, ... and a fixed butterfly of shuffles adds the 32 partial sums, so no lane waits on another
// lane's serial loop over D and tight clusters cost D/32 steps per near pair. Every thread of the block must call
// it (no thread may have returned); the caller publishes `out` with a barrier afterwards.
__device__ __forceinline__ void recompute_near_pairs(const float* __restrict__ z, int d, int i0, int j0,
                                                     unsigned nearMask, float (*out)[SS_TILE + 1]) {
    const int lane = threadIdx.x & 31;
    const int warpBase = threadIdx.x - lane;
    unsigned pending = __ballot_sync(0xffffffffu, nearMask != 0u);
    while (pending != 0u) {
        const int src = __ffs(pending) - 1;
        const unsigned srcMask = __shfl_sync(0xffffffffu, nearMask, src);
        const int bit = __ffs(srcMask) - 1;
        const int srcTid = warpBase + src;
        const int li = srcTid / 16 + 16 * (bit / 4);
        const int lj = srcTid % 16 + 16 * (bit % 4);
        const float* zi = z + (size_t)(i0 + li) * d;
        const float* zj = z + (size_t)(j0 + lj) * d;
        float sq = 0.0f;
        for (int t = lane; t < d; t += 32) {
            const float diff = zi[t] - zj[t];
            sq = fmaf(diff, diff, sq);
        }
#pragma unroll
        for (int offset = 16; offset > 0; offset >>= 1) {
            sq += __shfl_xor_sync(0xffffffffu, sq, offset);
        }
        if (lane == 0) {
            out[li][lj] = sqrtf(fmaxf(sq, 0.0f));
        }
        if (lane == src) {
            nearMask &= nearMask - 1u;
        }
        pending = __ballot_sync(0xffffffffu, nearMask != 0u);
    }
}

// Fills dist (SS_TILE x SS_TILE) with the distances of tile pair (i0, j0) from this thread's Gram block, near pairs
// recomputed directly; ends with a barrier.
__device__ __forceinline__ void tile_distances(const float* __restrict__ z, int n, int d, int i0, int j0,
                                               const float* normI, const float* normJ, const float acc[4][4],
                                               float (*dist)[SS_TILE + 1]) {
    const int tx = threadIdx.x % 16;
    const int ty = threadIdx.x / 16;
    unsigned nearMask = 0u;
#pragma unroll
    for (int q = 0; q < 4; q++) {
#pragma unroll
        for (int r = 0; r < 4; r++) {
            const int li = ty + 16 * q;
            const int lj = tx + 16 * r;
            const float value = expanded_distance(n, i0 + li, j0 + lj, normI[li], normJ[lj], acc[q][r]);
            if (value == SS_NEAR) {
                nearMask |= 1u << (4 * q + r);
            } else {
                dist[li][lj] = value;
            }
        }
    }
    recompute_near_pairs(z, d, i0, j0, nearMask, dist);
    __syncthreads();
}

// The tile pair of this block and the row data both passes need.
struct TilePair {
    int i0;
    int j0;
    int tileI;
    int tileJ;
};

__device__ __forceinline__ TilePair load_pair(const int* __restrict__ pairs, int pairIndex) {
    TilePair t;
    t.tileI = pairs[2 * pairIndex];
    t.tileJ = pairs[2 * pairIndex + 1];
    t.i0 = t.tileI * SS_TILE;
    t.j0 = t.tileJ * SS_TILE;
    return t;
}

__device__ __forceinline__ void load_row_data(const double* __restrict__ selfDot,
                                              const int* __restrict__ sortedLabels, int n, TilePair tp,
                                              float* normI, float* normJ, int* classI, int* classJ) {
    const int tid = threadIdx.x;
    if (tid < SS_TILE) {
        const int gi = tp.i0 + tid;
        normI[tid] = gi < n ? (float)selfDot[gi] : 0.0f;
        classI[tid] = gi < n ? sortedLabels[gi] : -1;
    } else if (tid < 2 * SS_TILE) {
        const int gj = tp.j0 + tid - SS_TILE;
        normJ[tid - SS_TILE] = gj < n ? (float)selfDot[gj] : 0.0f;
        classJ[tid - SS_TILE] = gj < n ? sortedLabels[gj] : -1;
    }
}

// Forward: one block per tile pair (I <= J) of pairs[]; writes, for every row of I, its segments over J's columns
// and (I != J) for every row of J, its segments over I's rows.
extern "C" __global__ void __launch_bounds__(SS_THREADS)
euclidean_forward_tiles(const float* __restrict__ z, const double* __restrict__ selfDot,
                        const int* __restrict__ sortedLabels, const int* __restrict__ pairs,
                        const int* __restrict__ tileFirstClass, const int* __restrict__ tileSegStart,
                        int n, int d, int segments, float* __restrict__ partials) {
    __shared__ float as[SS_KCHUNK][SS_TILE + 1];
    __shared__ float bs[SS_KCHUNK][SS_TILE + 1];
    __shared__ float dist[SS_TILE][SS_TILE + 1];
    __shared__ float normI[SS_TILE];
    __shared__ float normJ[SS_TILE];
    __shared__ int classI[SS_TILE];
    __shared__ int classJ[SS_TILE];

    const TilePair tp = load_pair(pairs, blockIdx.x);
    load_row_data(selfDot, sortedLabels, n, tp, normI, normJ, classI, classJ);
    float acc[4][4];
    tile_gram(z, n, d, tp.i0, tp.j0, as, bs, acc); // its barriers also publish normI..classJ

    tile_distances(z, n, d, tp.i0, tp.j0, normI, normJ, acc, dist);

    const int tid = threadIdx.x;

    if (tid < SS_TILE) {
        // Row role: row i0 + tid over the columns of J, class by class.
        const int gi = tp.i0 + tid;
        const int count = min(SS_TILE, n - tp.j0);
        if (gi < n) {
            float* out = partials + (size_t)gi * segments + (tileSegStart[tp.tileJ] - tileFirstClass[tp.tileJ]);
            int cls = classJ[0];
            float sum = 0.0f;
            for (int lj = 0; lj < count; lj++) {
                const int c = classJ[lj];
                if (c != cls) {
                    out[cls] = sum;
                    sum = 0.0f;
                    cls = c;
                }
                sum += dist[tid][lj];
            }
            out[cls] = sum;
        }
    } else if (tid < 2 * SS_TILE && tp.tileI != tp.tileJ) {
        // Column role: row j0 + lj over the rows of I (the diagonal tile's row role already covers it).
        const int lj = tid - SS_TILE;
        const int gj = tp.j0 + lj;
        const int count = min(SS_TILE, n - tp.i0);
        if (gj < n) {
            float* out = partials + (size_t)gj * segments + (tileSegStart[tp.tileI] - tileFirstClass[tp.tileI]);
            int cls = classI[0];
            float sum = 0.0f;
            for (int li = 0; li < count; li++) {
                const int c = classI[li];
                if (c != cls) {
                    out[cls] = sum;
                    sum = 0.0f;
                    cls = c;
                }
                sum += dist[li][lj];
            }
            out[cls] = sum;
        }
    }
}

// sums[p][c] = sum over the segments of class c (tiles in increasing order) of partials[p][segment], in double.
// Grid-stride over N*K.
extern "C" __global__ void euclidean_segment_sums(const float* __restrict__ partials,
                                                  const int* __restrict__ tileFirstClass,
                                                  const int* __restrict__ tileSegStart,
                                                  const int* __restrict__ classOffsets, int n, int k, int segments,
                                                  double* __restrict__ sums) {
    const size_t total = (size_t)n * k;
    for (size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x; idx < total;
         idx += (size_t)gridDim.x * blockDim.x) {
        const int p = (int)(idx / k);
        const int c = (int)(idx % k);
        const int firstTile = classOffsets[c] / SS_TILE;
        const int lastTile = (classOffsets[c + 1] - 1) / SS_TILE;
        const float* row = partials + (size_t)p * segments;
        double sum = 0.0;
        for (int t = firstTile; t <= lastTile; t++) {
            sum += (double)row[tileSegStart[t] + c - tileFirstClass[t]];
        }
        sums[idx] = sum;
    }
}

// Backward, one launch for the whole batch: block (x = row tile I, y = split s of the column tiles) adds, for the rows
// i of I and the tiles J of split s in increasing order,
//   g_i += sum_{j in J} h_ij (z_i - z_j),   h_ij = (coef[i][y_j] + coef[j][y_i]) / d_ij (0 where d_ij = 0),
// in double to slab s of g (gridDim.y slabs of N x D, sorted order, zeroed first). Every element of g has exactly
// one writer and its additions a fixed order (J increasing); scatter_gradient adds the slabs in slab order. Each
// pair is visited from both sides, (I, J) and (J, I): 4/3 of the flops of a symmetric schedule, but the whole
// grid (tiles x splits blocks) runs at once instead of T/2 blocks per round.
extern "C" __global__ void __launch_bounds__(SS_THREADS)
euclidean_backward_rows(const float* __restrict__ z, const double* __restrict__ selfDot,
                        const int* __restrict__ sortedLabels, const double* __restrict__ coef, int n, int d, int k,
                        double* __restrict__ g) {
    __shared__ float as[SS_KCHUNK][SS_TILE + 1];
    __shared__ float bs[SS_KCHUNK][SS_TILE + 1];
    __shared__ float h[SS_TILE][SS_TILE + 1];
    __shared__ float zi[SS_TILE][SS_PRODUCT_CHUNK + 1];
    __shared__ float zj[SS_TILE][SS_PRODUCT_CHUNK + 1];
    __shared__ float rowSum[SS_TILE];
    __shared__ float normI[SS_TILE];
    __shared__ float normJ[SS_TILE];
    __shared__ int classI[SS_TILE];
    __shared__ int classJ[SS_TILE];

    const int tiles = (n + SS_TILE - 1) / SS_TILE;
    const int tileI = blockIdx.x;
    const int split = blockIdx.y;
    const int jBegin = (int)((long long)tiles * split / gridDim.y);
    const int jEnd = (int)((long long)tiles * (split + 1) / gridDim.y);
    double* slab = g + (size_t)split * n * d;
    const int tid = threadIdx.x;
    const int tx = tid % 16;
    const int ty = tid / 16;

    for (int tileJ = jBegin; tileJ < jEnd; tileJ++) {
        __syncthreads(); // the previous tile's shared data is no longer read
        TilePair tp;
        tp.tileI = tileI;
        tp.tileJ = tileJ;
        tp.i0 = tileI * SS_TILE;
        tp.j0 = tileJ * SS_TILE;
        load_row_data(selfDot, sortedLabels, n, tp, normI, normJ, classI, classJ);
        float acc[4][4];
        tile_gram(z, n, d, tp.i0, tp.j0, as, bs, acc); // its barriers also publish normI..classJ
        tile_distances(z, n, d, tp.i0, tp.j0, normI, normJ, acc, h);
#pragma unroll
        for (int q = 0; q < 4; q++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                const int li = ty + 16 * q;
                const int lj = tx + 16 * r;
                const float dij = h[li][lj];
                float value = 0.0f;
                if (dij > 0.0f) {
                    const double m = coef[(size_t)(tp.i0 + li) * k + classJ[lj]]
                            + coef[(size_t)(tp.j0 + lj) * k + classI[li]];
                    value = (float)(m / (double)dij);
                }
                h[li][lj] = value; // only this thread reads or writes its own entries here
            }
        }
        __syncthreads();
        if (tid < SS_TILE) {
            float s = 0.0f;
            for (int lj = 0; lj < SS_TILE; lj++) {
                s += h[tid][lj];
            }
            rowSum[tid] = s;
        }

        for (int t0 = 0; t0 < d; t0 += SS_PRODUCT_CHUNK) {
            __syncthreads(); // rowSum published; the previous chunk's zi/zj no longer read
            for (int e = tid; e < SS_TILE * SS_PRODUCT_CHUNK; e += SS_THREADS) {
                const int row = e / SS_PRODUCT_CHUNK;
                const int col = e % SS_PRODUCT_CHUNK;
                const int gt = t0 + col;
                const int gi = tp.i0 + row;
                const int gj = tp.j0 + row;
                zi[row][col] = (gi < n && gt < d) ? z[(size_t)gi * d + gt] : 0.0f;
                zj[row][col] = (gj < n && gt < d) ? z[(size_t)gj * d + gt] : 0.0f;
            }
            __syncthreads();
            // Thread (tx, ty): rows ty + 16q, columns tx and tx + 16 of this chunk.
            float out[4][2];
#pragma unroll
            for (int q = 0; q < 4; q++) {
                out[q][0] = out[q][1] = 0.0f;
            }
            for (int l = 0; l < SS_TILE; l++) {
                const float zj0 = zj[l][tx];
                const float zj1 = zj[l][tx + 16];
#pragma unroll
                for (int q = 0; q < 4; q++) {
                    const float hRow = h[ty + 16 * q][l];
                    out[q][0] = fmaf(hRow, zj0, out[q][0]);
                    out[q][1] = fmaf(hRow, zj1, out[q][1]);
                }
            }
#pragma unroll
            for (int q = 0; q < 4; q++) {
                const int row = ty + 16 * q;
                const int gi = tp.i0 + row;
#pragma unroll
                for (int half = 0; half < 2; half++) {
                    const int col = tx + 16 * half;
                    const int gt = t0 + col;
                    if (gi < n && gt < d) {
                        const float contribution = rowSum[row] * zi[row][col] - out[q][half];
                        slab[(size_t)gi * d + gt] += (double)contribution;
                    }
                }
            }
        }
    }
}
