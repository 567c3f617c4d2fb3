package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * The batch as the kernels read it, in a workspace reused call after call: rows gathered into class order, padded
 * (dimensions to a whole number of vectors, rows to a whole number of tiles, padding zero), optionally centred on
 * the batch mean (Euclidean distances are translation invariant: this removes the cancellation of the expanded
 * forms far from the origin), and scaled by a power of two so the largest magnitude is in [1, 2): squares of 1e-20
 * or 1e18 stay finite in float32, and undoing the scale is exact.
 */
final class SortedBatch {
    final SimdOps ops;
    final int lanes;

    int n;
    int d;
    /** Row stride: d rounded up to whole vectors. */
    int dp;
    int k;
    /** Rows allocated, a multiple of the caller's row multiple; rows n..npad-1 are zero. */
    int npad;
    /** {@code x_sorted = scale * (x - shift)}; distances in the input's units are {@code invScale} times these. */
    double invScale;
    float[] x = new float[0];
    /** {@link #x}'s array and a segment over it, for {@link #gatherRows} from a segment with no float[] behind it. */
    private final FloatArraySegment rows = new FloatArraySegment();
    /** Compact class of each sorted position; padding rows get class {@code k} (an all-zero coefficient column). */
    int[] classOf = new int[0];
    int[] offsets;
    /** {@code 1.0 / n_k}, padded with zeros to whole double vectors (the per-row silhouette math reads vectors). */
    double[] inverseSizes = new double[0];
    /** Doubles of per-row scratch the per-row silhouette math needs. */
    int rowScratch;
    int[] sortedRows;
    /** A row of zeros ({@code dp} floats), for row operations that take a shift where there is none. */
    float[] zeroRow = new float[0];
    private MemorySegment source;
    /** The float[] behind {@link #source} when there is one, and where the batch starts in it. */
    private float[] sourceArray;
    private int sourceStart;
    private final HeapFloatArray sourceArrays = new HeapFloatArray();

    SortedBatch(SimdOps ops) {
        this.ops = ops;
        this.lanes = ops.lanes();
    }

    static float[] grow(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }

    static double[] grow(double[] a, int size) {
        return a.length >= size ? a : new double[size];
    }

    /** Bytes in a cache line: what a worker's own array keeps to spare at its end. */
    static final int CACHE_LINE = 64;

    /**
     * A worker's own array, at least {@code size} long, with one cache line to spare at its end. The allocator and the
     * collector lay objects side by side, often a kernel's per-worker arrays one after the other: without the spare
     * line, a worker writing the end of its array and another writing the start of its own would pass that line
     * between their cores at every row.
     */
    static float[] growOwn(float[] a, int size) {
        return grow(a, size + CACHE_LINE / Float.BYTES);
    }

    /** {@link #growOwn(float[], int)} for doubles. */
    static double[] growOwn(double[] a, int size) {
        return grow(a, size + CACHE_LINE / Double.BYTES);
    }

    static int[] grow(int[] a, int size) {
        return a.length >= size ? a : new int[size];
    }

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    /**
     * Vectors in the next micro-kernel chunk of a row of {@code remaining} vectors: 3 where possible, and never a
     * lone 1-vector chunk after 3s (4 is done as 2 + 2).
     */
    static int chunkVectors(int remaining) {
        return remaining == 4 ? 2 : Math.min(3, remaining);
    }

    /**
     * How many groups of six rows to take from {@code rows} (a multiple of four) before groups of four: as many as
     * leave a multiple of four, where the widest product is four vectors (6 x 4 accumulators need 32 vector
     * registers), else none. Six rows per loaded B vector rather than four.
     */
    static int sixRowGroups(int rows, int widest) {
        if (widest < 4) {
            return 0;
        }
        int sixes = rows / 6;
        while ((rows - 6 * sixes) % 4 != 0) {
            sixes--;
        }
        return sixes;
    }

    /**
     * Vectors in the next chunk of a {@link SimdOps#multiplyAdd} product, up to {@code widest} (4 or 3), never leaving
     * a lone 1-vector chunk when wider ones came first (16 = 4+4+4+4, 7 = 4+3, 6 = 3+3, 5 = 3+2).
     */
    static int productVectors(int remaining, int widest) {
        if (widest < 4) {
            return chunkVectors(remaining);
        }
        return remaining == 5 || remaining == 6 ? 3 : Math.min(4, remaining);
    }

    /**
     * Column panels, the B operand of the Gram tile products: for each group of {@code lanes} consecutive rows from
     * {@code from} to {@code to} (both multiples of {@code lanes}), their values side by side for each dimension
     * ({@code panels[p0*dp + t*lanes + lane] = rows[(p0+lane)*dp + t]}).
     */
    static void packColumnPanels(float[] rows, float[] panels, int from, int to, int dp, int lanes) {
        for (int p0 = from; p0 < to; p0 += lanes) {
            int base = p0 * dp;
            for (int lane = 0; lane < lanes; lane++) {
                int src = (p0 + lane) * dp;
                for (int t = 0; t < dp; t++) {
                    panels[base + t * lanes + lane] = rows[src + t];
                }
            }
        }
    }

    /**
     * The per-class values of rows {@code from..to} ({@code [row][class]}, {@code classes} of them in rows of
     * {@code rowStride}) into the class-major copy the tile kernels read along a tile's columns
     * ({@code byClass[c*npad + p] = byRow[p*rowStride + c]}), a class at a time: written row by row, the class-major
     * array takes a line and a page per class for every row.
     */
    static void classMajor(float[] byRow, int rowStride, float[] byClass, int npad, int classes, int from, int to) {
        for (int c = 0; c < classes; c++) {
            for (int p = from, at = from * rowStride + c; p < to; p++, at += rowStride) {
                byClass[c * npad + p] = byRow[at];
            }
        }
    }

    /**
     * The batch and its rows, on the calling thread, divided by the power of two that brings their largest magnitude
     * into [1, 2) (the kernels that work on the rows in parallel phases load the shape only, and the rows themselves).
     */
    void load(PreparedBatch batch, int rowMultiple) {
        loadShape(batch, rowMultiple);
        gatherRows(0, n);
        float max = 0f;
        for (int p = 0; p < n; p++) {
            max = Math.max(max, ops.maxAbs(x, p * dp, dp));
        }
        float factor = scaleFor(max);
        if (factor != 1f) {
            ops.scale(x, 0, n * dp, factor);
        }
    }

    /**
     * Sets {@link #invScale} to the power of two that brings the rows' largest magnitude {@code max} into [1, 2)
     * ({@link #scaleExponent}) and returns the factor the rows are multiplied by, its inverse.
     */
    float scaleFor(float max) {
        int exponent = scaleExponent(max);
        invScale = Math.scalb(1.0, exponent);
        return Math.scalb(1.0f, -exponent);
    }

    /**
     * The batch's shape, classes and workspaces, without its rows (which {@link #gatherRows} copies, for a kernel
     * that gathers them in a parallel phase): padding rows zero, {@code invScale} 1 until the kernel sets its own.
     */
    void loadShape(PreparedBatch batch, int rowMultiple) {
        n = batch.rows();
        d = batch.dims();
        k = batch.classCount();
        dp = roundUp(d, lanes);
        npad = roundUp(n, rowMultiple);
        // Workspaces are Java arrays indexed by int: N*D and N*(K+1) (with padding) must fit.
        long largest = Math.max((long) npad * dp, (long) npad * (roundUp(k + 1, lanes) + 4));
        if (largest > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("cpu-vector: a batch of n=" + n + ", d=" + d + ", " + k
                    + " classes needs workspaces of " + largest + " elements, more than a Java array holds;"
                    + " split the batch");
        }
        offsets = batch.classOffsets();
        int classesPadded = roundUp(k, ops.doubleLanes());
        rowScratch = 2 * classesPadded + ops.doubleLanes();
        inverseSizes = grow(inverseSizes, classesPadded);
        for (int c = 0; c < k; c++) {
            inverseSizes[c] = 1.0 / (offsets[c + 1] - offsets[c]);
        }
        Arrays.fill(inverseSizes, k, classesPadded, 0.0);
        sortedRows = batch.sortedRows();
        source = batch.embeddings();
        sourceArray = sourceArrays.arrayOf(source);
        sourceStart = sourceArray == null ? 0 : HeapFloatArray.start(source);
        x = rows.grow(npad * dp);
        classOf = grow(classOf, npad);
        zeroRow = grow(zeroRow, dp);
        int[] labels = batch.labels();
        for (int p = 0; p < n; p++) {
            classOf[p] = labels[sortedRows[p]];
        }
        Arrays.fill(x, n * dp, npad * dp, 0f);
        Arrays.fill(classOf, n, npad, k);
        invScale = 1.0;
    }

    /** Copies the rows at sorted positions {@code from..to} from the batch, padding columns zero. */
    void gatherRows(int from, int to) {
        for (int p = from; p < to; p++) {
            if (sourceArray != null) {
                System.arraycopy(sourceArray, sourceStart + sortedRows[p] * d, x, p * dp, d);
            } else {
                rows.read(source, (long) sortedRows[p] * d, p * dp, d);
            }
            if (dp > d) {
                Arrays.fill(x, p * dp + d, (p + 1) * dp, 0f);
            }
        }
    }

    /**
     * The power of two the rows are divided by, from their largest magnitude: that magnitude lands in [1, 2), clamped
     * so that the factor and its inverse are normal floats.
     */
    static int scaleExponent(float max) {
        int exponent = max == 0f ? 0 : Math.getExponent(max);
        return Math.max(-126, Math.min(126, exponent));
    }

    /** The embeddings of the batch being loaded. */
    MemorySegment source() {
        return source;
    }

    /** The weight {@code w} of the row at sorted position {@code p}. */
    double rowWeight(double weight, MemorySegment rowWeights, int p) {
        return rowWeights == null ? weight
                : weight * rowWeights.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, sortedRows[p]);
    }
}
