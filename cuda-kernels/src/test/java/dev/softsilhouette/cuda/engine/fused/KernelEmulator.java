package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.EmulatedMemory;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.SilhouetteRowsPorts;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link DevicePort} that runs the kernels as Java ports, on a byte-addressed fake device memory, so that the
 * whole call (host staging, launch arguments, memory layout, and each kernel's indexing and arithmetic, in the same
 * float32/float64 precision and summation order) is checked against the reference without a GPU. Each port follows
 * its {@code .cu} kernel line by line, block by block; work between two {@code __syncthreads()} is run for all
 * threads of the block before the next phase. It does not check what only hardware shows (races, bank conflicts,
 * speed): those need a device.
 */
final class KernelEmulator implements DevicePort, EmulatedMemory {
    private static final long BASE = RecordingPort.DEVICE_BASE;
    private static final int TILE = 64;
    private static final int KCHUNK = 16;
    private static final int THREADS = 256;
    private static final float EXACT_RATIO = 256.0f;
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final long CALLER_BASE = RecordingPort.CALLER_BASE;

    private final Arena arena = Arena.ofShared();
    private MemorySegment device = MemorySegment.NULL;
    /** The caller's GPU memory ({@link #callerMemory}), addressed from {@link RecordingPort#CALLER_BASE}. */
    private MemorySegment caller = MemorySegment.NULL;
    /** The current launch's arguments (8-byte slots, as KernelArguments holds them). */
    private long[] a;
    /** Checks allocations, copies and launches (addresses, grid limits) as on a device. */
    private final RecordingPort checker = new RecordingPort();
    private FusedWorkspace workspace;
    private long nearPairs;

    /** How many pair distances the EUCLIDEAN tiles recomputed directly (near pairs), over all launches. */
    long nearPairs() {
        return nearPairs;
    }

    /**
     * {@code bytes} of the caller's own GPU memory (a framework's tensors), as a segment the test fills and reads
     * back; kernels address it from {@link RecordingPort#CALLER_BASE}, copies may not touch it.
     */
    MemorySegment callerMemory(long bytes) {
        checker.callerMemory(bytes);
        caller = arena.allocate(bytes, 256);
        caller.fill((byte) 0x55);
        return caller;
    }

    /** The caller's memory of the last {@link #callerMemory}. */
    MemorySegment caller() {
        return caller;
    }

    /** The address of byte {@code offset} of the caller's memory. */
    static long callerAddress(long offset) {
        return CALLER_BASE + offset;
    }

    /** The recording checker: copies, events. */
    RecordingPort checker() {
        return checker;
    }

    /** The backend's workspace on this port. */
    FusedWorkspace workspace() {
        if (workspace == null) {
            workspace = new FusedWorkspace(this, RecordingPort.SIGNATURES);
        }
        return workspace;
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public long allocate(long bytes) {
        long address = checker.allocate(bytes);
        MemorySegment fresh = arena.allocate(bytes, 256);
        fresh.fill((byte) 0x55); // garbage: a kernel that reads what nobody wrote gives nonsense
        device = fresh;
        return address;
    }

    @Override
    public void free(long address) {
        checker.free(address);
        device = MemorySegment.NULL;
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        return checker.allocatePinned(bytes);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        checker.freePinned(pinned);
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        checker.copyToDevice(destination, source, bytes);
        MemorySegment.copy(source, 0, device, destination - BASE, bytes);
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        checker.copyToHost(destination, source, bytes);
        MemorySegment.copy(device, source - BASE, destination, 0, bytes);
    }

    @Override
    public void zero(long address, long bytes) {
        checker.zero(address, bytes);
        memory(address).asSlice(offset(address), bytes).fill((byte) 0);
    }

    @Override
    public void waitFor(long stream) {
        checker.waitFor(stream);
    }

    @Override
    public void signal(long stream) {
        checker.signal(stream);
    }

    @Override
    public void synchronize() {
        checker.synchronize(); // recorded: the emulated kernels have already run
    }

    // ---- memory access by device address (element index from a base pointer) ----
    private MemorySegment memory(long ptr) {
        return ptr >= BASE ? device : caller;
    }

    private static long offset(long ptr) {
        return ptr >= BASE ? ptr - BASE : ptr - CALLER_BASE;
    }

    @Override
    public float f32(long ptr, long index) {
        return memory(ptr).get(F, offset(ptr) + index * 4);
    }

    @Override
    public void f32(long ptr, long index, float v) {
        memory(ptr).set(F, offset(ptr) + index * 4, v);
    }

    @Override
    public double f64(long ptr, long index) {
        return memory(ptr).get(D, offset(ptr) + index * 8);
    }

    @Override
    public void f64(long ptr, long index, double v) {
        memory(ptr).set(D, offset(ptr) + index * 8, v);
    }

    @Override
    public int i32(long ptr, long index) {
        return memory(ptr).get(I, offset(ptr) + index * 4);
    }

    @Override
    public long i64(long ptr, long index) {
        return memory(ptr).get(L, offset(ptr) + index * 8);
    }

    @Override
    public void i64(long ptr, long index, long v) {
        memory(ptr).set(L, offset(ptr) + index * 8, v);
    }

    private int ai(int i) {
        return (int) a[i];
    }

    private double ad(int i) {
        return Double.longBitsToDouble(a[i]);
    }

    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        checker.launch(kernel, gridX, gridY, blockX, blockY, arguments); // addresses, limits
        a = arguments.toArray();
        switch (kernel) {
            case "row_norms" -> rowNorms(gridX);
            case "column_partials" -> SilhouetteRowsPorts.columnPartials(this, a, gridX, gridY, blockX);
            case "column_spread" -> SilhouetteRowsPorts.columnSpread(this, a, gridX * blockX);
            case "prepare_rows" -> prepareRows(gridX);
            case "row_silhouettes" -> SilhouetteRowsPorts.rowSilhouettes(this, a, gridX * blockX);
            case "scatter_gradient" -> scatterGradient(gridX);
            case "class_sums" -> classSums(gridX, gridY, blockX);
            case "gemm_rows_classes" -> gemm(a[0], ai(4), 1, a[1], 1, ai(4), ai(2), ai(3), ai(4), a[5], gridX, gridY,
                    true, false);
            case "gemm_coef_rows" -> gemm(a[0], 1, ai(3), a[1], ai(4), 1, ai(3), ai(4), ai(2), a[5], gridX, gridY,
                    false, true);
            case "gemm_coef_classes" -> gemm(a[0], ai(3), 1, a[1], ai(4), 1, ai(2), ai(4), ai(3), a[5], gridX, gridY,
                    false, false);
            case "class_distance_sums" -> classDistanceSums(gridX * (long) blockX);
            case "coef_column_sums" -> coefColumnSums(gridX * blockX);
            case "class_gradient_rows" -> classGradientRows(gridX);
            case "euclidean_forward_tiles" -> euclideanForward(gridX);
            case "euclidean_segment_sums" -> euclideanSegmentSums(gridX * (long) blockX);
            case "euclidean_backward_rows" -> euclideanBackward(gridX, gridY);
            case "find_non_finite" -> SilhouetteRowsPorts.findNonFinite(this, a);
            default -> throw new IllegalStateException("no emulation of " + kernel);
        }
    }

    private void prepareRows(int blocks) {
        long x = a[0], sortedRows = a[1], mean = a[2], z = a[7], selfDot = a[8], rowNorm = a[9], rowExcess = a[10];
        double scale = ad(3);
        boolean normalise = ai(4) != 0;
        int n = ai(5), d = ai(6);
        for (int p = 0; p < Math.min(blocks, n); p++) {
            long xr = (long) i32(sortedRows, p) * d;
            double norm = 1.0;
            double excess = 0.0;
            if (normalise) {
                double[] partial = new double[THREADS];
                for (int tid = 0; tid < THREADS; tid++) {
                    for (int t = tid; t < d; t += THREADS) {
                        double v = f32(x, xr + t);
                        partial[tid] += v * v;
                    }
                }
                double raw = Math.sqrt(SilhouetteRowsPorts.blockSum(partial));
                norm = Math.max(raw, 1e-12);
                if (raw < 1e-12) {
                    double q = raw * 1e12;
                    excess = 1.0 - q * q;
                }
            }
            double[] partial = new double[THREADS];
            for (int tid = 0; tid < THREADS; tid++) {
                for (int t = tid; t < d; t += THREADS) {
                    double u = normalise ? (double) f32(x, xr + t) / norm : (double) f32(x, xr + t);
                    float f = (float) ((u - f64(mean, t)) * scale);
                    f32(z, (long) p * d + t, f);
                    partial[tid] += (double) f * (double) f;
                }
            }
            f64(selfDot, p, SilhouetteRowsPorts.blockSum(partial));
            f64(rowNorm, p, normalise ? norm : 0.0);
            f64(rowExcess, p, excess);
        }
    }

    private void scatterGradient(int blocks) {
        long g = a[0], sortedRows = a[2], grad = a[6];
        int slabs = ai(1);
        double scale = ad(3);
        int n = ai(4), d = ai(5);
        long slab = (long) n * d;
        for (int p = 0; p < Math.min(blocks, n); p++) {
            long out = (long) i32(sortedRows, p) * d;
            for (int t = 0; t < d; t++) {
                double v = f64(g, (long) p * d + t);
                for (int sl = 1; sl < slabs; sl++) {
                    v += f64(g, sl * slab + (long) p * d + t);
                }
                f32(grad, out + t, (float) (v * scale));
            }
        }
    }

    private void rowNorms(int blocks) {
        long x = a[0], rowNorm = a[3];
        int n = ai(1), d = ai(2);
        for (int r = 0; r < Math.min(blocks, n); r++) {
            double[] partial = new double[THREADS];
            for (int tid = 0; tid < THREADS; tid++) {
                for (int t = tid; t < d; t += THREADS) {
                    double v = f32(x, (long) r * d + t);
                    partial[tid] += v * v;
                }
            }
            f64(rowNorm, r, Math.max(Math.sqrt(SilhouetteRowsPorts.blockSum(partial)), 1e-12));
        }
    }

    private void classSums(int gridX, int gridY, int blockX) {
        long z = a[0], selfDot = a[1], rowExcess = a[2], classOffsets = a[3], classSum = a[6], classSq = a[7];
        long classExcess = a[8];
        int d = ai(5);
        for (int c = 0; c < gridX; c++) {
            int begin = i32(classOffsets, c), end = i32(classOffsets, c + 1);
            for (int by = 0; by < gridY; by++) {
                for (int tx = 0; tx < blockX; tx++) {
                    int t = by * blockX + tx;
                    if (t < d) {
                        double sum = 0;
                        for (int p = begin; p < end; p++) {
                            sum += (double) f32(z, (long) p * d + t);
                        }
                        f64(classSum, (long) c * d + t, sum);
                    }
                }
            }
            double sq = 0, excess = 0;
            for (int p = begin; p < end; p++) {
                sq += f64(selfDot, p);
                excess += f64(rowExcess, p);
            }
            f64(classSq, c, sq);
            f64(classExcess, c, excess);
        }
    }

    /** strided_gemm: C[m][n] = sum_l A[m am + l al] B[l bl + n bn], l in 16-wide tiles, in order. */
    private void gemm(long pa, long am, long al, long pb, long bl, long bn, int rows, int cols, int inner, long pc,
                      int gridX, int gridY, boolean aFloat, boolean bFloat) {
        if (gridX * 16L < cols || gridY * 16L < rows) {
            throw new IllegalStateException("GEMM grid too small");
        }
        for (int m = 0; m < rows; m++) {
            for (int n = 0; n < cols; n++) {
                double acc = 0;
                for (int l = 0; l < inner; l++) {
                    double av = aFloat ? f32(pa, m * am + l * al) : f64(pa, m * am + l * al);
                    double bv = bFloat ? f32(pb, l * bl + n * bn) : f64(pb, l * bl + n * bn);
                    acc += av * bv;
                }
                f64(pc, (long) m * cols + n, acc);
            }
        }
    }

    private void classDistanceSums(long threads) {
        long sums = a[0], selfDot = a[1], classSq = a[2], rowExcess = a[3], classExcess = a[4];
        long sortedLabels = a[5], classOffsets = a[6];
        boolean cosine = ai(7) != 0;
        double inverseScaleSquared = ad(8);
        int n = ai(9), k = ai(10);
        for (long idx = 0; idx < (long) n * k; idx++) {
            int p = (int) (idx / k), c = (int) (idx % k);
            double size = i32(classOffsets, c + 1) - i32(classOffsets, c);
            double sq = size * f64(selfDot, p) - 2.0 * f64(sums, idx) + f64(classSq, c);
            double v = sq;
            if (cosine) {
                boolean own = c == i32(sortedLabels, p);
                double others = own ? size - 1.0 : size;
                double excess = own ? f64(classExcess, c) - f64(rowExcess, p) : f64(classExcess, c);
                v = 0.5 * (sq * inverseScaleSquared + others * f64(rowExcess, p) + excess);
            }
            f64(sums, idx, v > 0.0 ? v : 0.0);
        }
    }

    private void coefColumnSums(int threads) {
        long coef = a[0], v = a[3];
        int n = ai(1), k = ai(2);
        for (int c = 0; c < Math.min(threads, k); c++) {
            double sum = 0;
            for (int p = 0; p < n; p++) {
                sum += f64(coef, (long) p * k + c);
            }
            f64(v, c, sum);
        }
    }

    private void classGradientRows(int blocks) {
        long acc = a[0], w = a[1], v = a[2], coef = a[3], z = a[4], rowNorm = a[5], mean = a[6];
        long sortedLabels = a[7], classOffsets = a[8];
        boolean cosine = ai(9) != 0;
        double scale = ad(10);
        int n = ai(11), k = ai(12), d = ai(13);
        for (int p = 0; p < Math.min(blocks, n); p++) {
            int own = i32(sortedLabels, p);
            long coefRow = (long) p * k, zp = (long) p * d, ap = (long) p * d, wc = (long) own * d;
            double[] partial = new double[THREADS];
            for (int tid = 0; tid < THREADS; tid++) {
                for (int c = tid; c < k; c += THREADS) {
                    partial[tid] += f64(coef, coefRow + c) * (double) (i32(classOffsets, c + 1) - i32(classOffsets, c));
                }
            }
            double scalar = SilhouetteRowsPorts.blockSum(partial) + f64(v, own);
            if (!cosine) {
                for (int t = 0; t < d; t++) {
                    f64(acc, ap + t, 2.0 * (scalar * (double) f32(z, zp + t) - (f64(acc, ap + t) + f64(w, wc + t))));
                }
            } else {
                double self = 2.0 * f64(coef, coefRow + own);
                double inverseScale = 1.0 / scale;
                double[] dots = new double[THREADS];
                for (int tid = 0; tid < THREADS; tid++) {
                    for (int t = tid; t < d; t += THREADS) {
                        double r = (f64(acc, ap + t) + f64(w, wc + t) - self * (double) f32(z, zp + t)) * inverseScale
                                + f64(mean, t) * (scalar - self);
                        f64(acc, ap + t, r);
                        dots[tid] += r * ((double) f32(z, zp + t) * inverseScale + f64(mean, t));
                    }
                }
                double projection = SilhouetteRowsPorts.blockSum(dots);
                double inverseNorm = 1.0 / f64(rowNorm, p);
                for (int t = 0; t < d; t++) {
                    double u = (double) f32(z, zp + t) * inverseScale + f64(mean, t);
                    f64(acc, ap + t, -(f64(acc, ap + t) - projection * u) * inverseNorm);
                }
            }
        }
    }

    /** tile_gram: acc[li][lj] = sum over t (in order, fmaf) of z_{i0+li}[t] z_{j0+lj}[t], padding zero. */
    private float[][] tileGram(long z, int n, int d, int i0, int j0) {
        float[][] acc = new float[TILE][TILE];
        for (int li = 0; li < TILE; li++) {
            for (int lj = 0; lj < TILE; lj++) {
                float s = 0.0f;
                int gi = i0 + li, gj = j0 + lj;
                for (int k0 = 0; k0 < d; k0 += KCHUNK) {
                    for (int kk = 0; kk < KCHUNK; kk++) {
                        int t = k0 + kk;
                        float av = (gi < n && t < d) ? f32(z, (long) gi * d + t) : 0.0f;
                        float bv = (gj < n && t < d) ? f32(z, (long) gj * d + t) : 0.0f;
                        s = Math.fma(av, bv, s);
                    }
                }
                acc[li][lj] = s;
            }
        }
        return acc;
    }

    /**
     * tile_distances: the expanded distance, or for a near pair recompute_near_pairs' cooperative sum: lane l of the
     * warp sums the columns l, l + 32, ... (fmaf), then the butterfly sq += shfl_xor(sq, o) for o = 16 .. 1; lane 0's
     * value is written.
     */
    private float pairDistance(long z, int n, int d, int gi, int gj, float normI, float normJ, float gram) {
        if (gi >= n || gj >= n || gi == gj) {
            return 0.0f;
        }
        float sq = normI + normJ - 2.0f * gram;
        if (sq < (normI + normJ) * (1.0f / EXACT_RATIO)) {
            nearPairs++;
            float[] lanes = new float[32];
            for (int lane = 0; lane < 32; lane++) {
                float partial = 0.0f;
                for (int t = lane; t < d; t += 32) {
                    float diff = f32(z, (long) gi * d + t) - f32(z, (long) gj * d + t);
                    partial = Math.fma(diff, diff, partial);
                }
                lanes[lane] = partial;
            }
            for (int offset = 16; offset > 0; offset >>= 1) {
                float[] next = new float[32];
                for (int lane = 0; lane < 32; lane++) {
                    next[lane] = lanes[lane] + lanes[lane ^ offset];
                }
                lanes = next;
            }
            sq = lanes[0];
        }
        return (float) Math.sqrt(Math.max(sq, 0.0f));
    }

    private void euclideanForward(int blocks) {
        long z = a[0], selfDot = a[1], sortedLabels = a[2], pairs = a[3], firstClass = a[4], segStart = a[5];
        int n = ai(6), d = ai(7), segments = ai(8);
        long partials = a[9];
        for (int b = 0; b < blocks; b++) {
            int tileI = i32(pairs, 2L * b), tileJ = i32(pairs, 2L * b + 1);
            int i0 = tileI * TILE, j0 = tileJ * TILE;
            float[] normI = new float[TILE], normJ = new float[TILE];
            int[] classI = new int[TILE], classJ = new int[TILE];
            rowData(selfDot, sortedLabels, n, i0, j0, normI, normJ, classI, classJ);
            float[][] acc = tileGram(z, n, d, i0, j0);
            float[][] dist = new float[TILE][TILE];
            for (int li = 0; li < TILE; li++) {
                for (int lj = 0; lj < TILE; lj++) {
                    dist[li][lj] = pairDistance(z, n, d, i0 + li, j0 + lj, normI[li], normJ[lj], acc[li][lj]);
                }
            }
            for (int tid = 0; tid < TILE; tid++) {
                int gi = i0 + tid, cnt = Math.min(TILE, n - j0);
                if (gi < n) {
                    long out = (long) gi * segments + (i32(segStart, tileJ) - i32(firstClass, tileJ));
                    int cls = classJ[0];
                    float sum = 0.0f;
                    for (int lj = 0; lj < cnt; lj++) {
                        int c = classJ[lj];
                        if (c != cls) {
                            f32(partials, out + cls, sum);
                            sum = 0.0f;
                            cls = c;
                        }
                        sum += dist[tid][lj];
                    }
                    f32(partials, out + cls, sum);
                }
            }
            if (tileI != tileJ) {
                for (int lj = 0; lj < TILE; lj++) {
                    int gj = j0 + lj, cnt = Math.min(TILE, n - i0);
                    if (gj < n) {
                        long out = (long) gj * segments + (i32(segStart, tileI) - i32(firstClass, tileI));
                        int cls = classI[0];
                        float sum = 0.0f;
                        for (int li = 0; li < cnt; li++) {
                            int c = classI[li];
                            if (c != cls) {
                                f32(partials, out + cls, sum);
                                sum = 0.0f;
                                cls = c;
                            }
                            sum += dist[li][lj];
                        }
                        f32(partials, out + cls, sum);
                    }
                }
            }
        }
    }

    private void rowData(long selfDot, long sortedLabels, int n, int i0, int j0, float[] normI, float[] normJ,
                         int[] classI, int[] classJ) {
        for (int t = 0; t < TILE; t++) {
            int gi = i0 + t, gj = j0 + t;
            normI[t] = gi < n ? (float) f64(selfDot, gi) : 0.0f;
            classI[t] = gi < n ? i32(sortedLabels, gi) : -1;
            normJ[t] = gj < n ? (float) f64(selfDot, gj) : 0.0f;
            classJ[t] = gj < n ? i32(sortedLabels, gj) : -1;
        }
    }

    private void euclideanSegmentSums(long threads) {
        long partials = a[0], firstClass = a[1], segStart = a[2], classOffsets = a[3], sums = a[7];
        int n = ai(4), k = ai(5), segments = ai(6);
        for (long idx = 0; idx < (long) n * k; idx++) {
            int p = (int) (idx / k), c = (int) (idx % k);
            int firstTile = i32(classOffsets, c) / TILE, lastTile = (i32(classOffsets, c + 1) - 1) / TILE;
            double sum = 0;
            for (int t = firstTile; t <= lastTile; t++) {
                sum += (double) f32(partials, (long) p * segments + i32(segStart, t) + c - i32(firstClass, t));
            }
            f64(sums, idx, sum);
        }
    }

    /** euclidean_backward_rows: block (row tile I, split s) adds the I-side terms of its column tiles to slab s. */
    private void euclideanBackward(int gridX, int gridY) {
        long z = a[0], selfDot = a[1], sortedLabels = a[2], coef = a[3], g = a[7];
        int n = ai(4), d = ai(5), k = ai(6);
        int tiles = Math.ceilDiv(n, TILE);
        for (int split = 0; split < gridY; split++) {
            int jBegin = (int) ((long) tiles * split / gridY), jEnd = (int) ((long) tiles * (split + 1) / gridY);
            long slab = (long) split * n * d;
            for (int tileI = 0; tileI < gridX; tileI++) {
                for (int tileJ = jBegin; tileJ < jEnd; tileJ++) {
                    int i0 = tileI * TILE, j0 = tileJ * TILE;
                    float[] normI = new float[TILE], normJ = new float[TILE];
                    int[] classI = new int[TILE], classJ = new int[TILE];
                    rowData(selfDot, sortedLabels, n, i0, j0, normI, normJ, classI, classJ);
                    float[][] acc = tileGram(z, n, d, i0, j0);
                    float[][] h = new float[TILE][TILE];
                    for (int li = 0; li < TILE; li++) {
                        for (int lj = 0; lj < TILE; lj++) {
                            int gi = i0 + li, gj = j0 + lj;
                            float dij = pairDistance(z, n, d, gi, gj, normI[li], normJ[lj], acc[li][lj]);
                            float value = 0.0f;
                            if (dij > 0.0f) {
                                double m = f64(coef, (long) gi * k + classJ[lj]) + f64(coef, (long) gj * k + classI[li]);
                                value = (float) (m / (double) dij);
                            }
                            h[li][lj] = value;
                        }
                    }
                    float[] rowSum = new float[TILE];
                    for (int t = 0; t < TILE; t++) {
                        float sum = 0.0f;
                        for (int l = 0; l < TILE; l++) {
                            sum += h[t][l];
                        }
                        rowSum[t] = sum;
                    }
                    for (int row = 0; row < TILE; row++) {
                        int gi = i0 + row;
                        if (gi >= n) {
                            continue;
                        }
                        for (int gt = 0; gt < d; gt++) {
                            float out = 0.0f;
                            for (int l = 0; l < TILE; l++) {
                                float zjl = (j0 + l < n) ? f32(z, (long) (j0 + l) * d + gt) : 0.0f;
                                out = Math.fma(h[row][l], zjl, out);
                            }
                            float contribution = rowSum[row] * f32(z, (long) gi * d + gt) - out;
                            long e = slab + (long) gi * d + gt;
                            f64(g, e, f64(g, e) + (double) contribution);
                        }
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        checker.close();
        arena.close();
    }
}
