// EUCLIDEAN tiles of the block decomposition (SPEC section 12): the per-row, per-class distance sums between two
// blocks of rows (both directions from one tile) or among the rows of one block. The host sorts each block by class,
// scales both by a common power of two and cuts every class run into segments of at most EB_TILE rows, so that a
// segment holds one class.
//
// Distances are computed directly, sqrt(sum_t (a_t - b_t)^2) in float (no expanded Gram form, so nothing cancels
// for data far from the origin or near-duplicate rows); every sum is in double, in a fixed order. No atomics: each
// output element is written by exactly one thread, so the results are the same bit for bit on every run.
// Self-contained for NVRTC (no includes).

#define EB_TILE 16 // rows per segment; the tile kernel runs EB_TILE x EB_TILE threads (the host launches exactly this)

// One thread block per (row segment a = blockIdx.y, column segment b = blockIdx.x): the up to EB_TILE x EB_TILE
// distances between the segments, then
//   rowPartials[r * columnSegments + b]  = sum over the columns c of segment b of d(r, c), for each row r of a;
//   columnPartials[c * rowSegments + a]  = sum over the rows r of segment a of d(r, c), for each column c of b.
// Within one block (within != 0; rows == columns, rowPartials == columnPartials) only the pairs a <= b run: for
// b > a both directions are written (row r gets segment b, column c gets segment a < its own), for a == b the row
// direction only (that square holds both orders of every pair, and d(r, r) = 0). Each (row, segment) entry is then
// written exactly once, so nothing needs zeroing.
extern "C" __global__ void euclidean_block_tiles(const float* __restrict__ rows, const float* __restrict__ columns,
                                                 int dims, const int* __restrict__ rowStarts, int rowSegments,
                                                 const int* __restrict__ columnStarts, int columnSegments, int within,
                                                 double* __restrict__ rowPartials,
                                                 double* __restrict__ columnPartials) {
    int a = blockIdx.y;
    int b = blockIdx.x;
    if (within && b < a) {
        return;
    }
    int r0 = rowStarts[a];
    int nr = rowStarts[a + 1] - r0;
    int c0 = columnStarts[b];
    int nc = columnStarts[b + 1] - c0;
    int tx = threadIdx.x; // the column of the tile
    int ty = threadIdx.y; // the row of the tile
    __shared__ float rowValues[EB_TILE][EB_TILE + 1];
    __shared__ float columnValues[EB_TILE][EB_TILE + 1];
    __shared__ float distance[EB_TILE][EB_TILE + 1];
    float sq = 0.0f;
    for (int t0 = 0; t0 < dims; t0 += EB_TILE) {
        int t = t0 + tx;
        rowValues[ty][tx] = ty < nr && t < dims ? rows[(long long) (r0 + ty) * dims + t] : 0.0f;
        columnValues[ty][tx] = ty < nc && t < dims ? columns[(long long) (c0 + ty) * dims + t] : 0.0f;
        __syncthreads();
        int chunk = min(EB_TILE, dims - t0);
        for (int u = 0; u < chunk; u++) {
            float diff = rowValues[ty][u] - columnValues[tx][u];
            sq = fmaf(diff, diff, sq);
        }
        __syncthreads();
    }
    distance[ty][tx] = sqrtf(sq);
    __syncthreads();
    if (ty == 0 && tx < nr) {
        double sum = 0.0;
        for (int c = 0; c < nc; c++) {
            sum += (double) distance[tx][c];
        }
        rowPartials[(long long) (r0 + tx) * columnSegments + b] = sum;
    } else if (ty == 1 && tx < nc && !(within && a == b)) {
        double sum = 0.0;
        for (int r = 0; r < nr; r++) {
            sum += (double) distance[r][tx];
        }
        columnPartials[(long long) (c0 + tx) * rowSegments + a] = sum;
    }
}

// sums[i * classCount + k] = sum over the segments q of class k (classFirstSegment[k] .. classFirstSegment[k+1]-1,
// consecutive since the segments follow the class order) of partials[i * segments + q], in segment order; 0 for a
// class without segments. One thread per (row, class).
extern "C" __global__ void euclidean_block_class_sums(const double* __restrict__ partials, int rows, int segments,
                                                      const int* __restrict__ classFirstSegment, int classCount,
                                                      double* __restrict__ sums) {
    long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= (long long) rows * classCount) {
        return;
    }
    long long i = e / classCount;
    int k = (int) (e - i * classCount);
    const double* row = partials + i * segments;
    double sum = 0.0;
    for (int q = classFirstSegment[k]; q < classFirstSegment[k + 1]; q++) {
        sum += row[q];
    }
    sums[e] = sum;
}
