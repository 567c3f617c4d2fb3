// Shared definitions of the cuda backend's kernels. Self-contained: NVRTC gets no host headers.
#pragma once

// Square tile of the pairwise (Gram) computation: TILE x TILE pairs per block of 256 threads (16 x 16), each
// thread holding a 4 x 4 register block. The host (EuclideanTilePlan) uses the same numbers.
#define SS_TILE 64
#define SS_KCHUNK 16
#define SS_THREADS 256
#define SS_PRODUCT_CHUNK 32
// A pair whose expanded squared distance is below (|z_i|^2 + |z_j|^2) / SS_EXACT_RATIO has lost too many bits to
// cancellation in float; it is recomputed directly as sum (z_i - z_j)^2.
#define SS_EXACT_RATIO 256.0f

// Sum of one value per thread over a block of exactly SS_THREADS threads, in a fixed tree order (deterministic).
// Every thread gets the result.
__device__ __forceinline__ double ss_block_sum(double v, double* scratch) {
    const int tid = threadIdx.x;
    scratch[tid] = v;
    __syncthreads();
    for (int s = SS_THREADS / 2; s > 0; s >>= 1) {
        if (tid < s) {
            scratch[tid] += scratch[tid + s];
        }
        __syncthreads();
    }
    const double r = scratch[0];
    __syncthreads();
    return r;
}
