package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.DeviceWorkspace;
import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.engine.PowerOfTwoScale;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.spi.PreparedBlock;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The EUCLIDEAN tile sums of the block decomposition (SPEC section 12) on one device stream: what
 * {@code SilhouetteBackend.addEuclideanSums} and {@code addEuclideanSumsWithin} compute, with the kernels of
 * {@code euclidean_blocks.cu}. Each block is sorted by class (a stable counting sort, so the order is fixed), both
 * are scaled by a common power of two (exact; it keeps squares of 1e-20 or 1e18 data inside float) and each class
 * run is cut into segments of at most {@link #SEGMENT} rows. One launch computes every distance of the tile
 * directly in float and its sums over each segment in double, both directions at once (within one block, each
 * unordered pair of segments once); a second adds the segments of each class per row, in segment order. The host
 * adds the downloaded sums, divided by the scale, into the caller's arrays. No atomics: the same inputs give the
 * same sums bit for bit.
 *
 * <p>Memory: the engine's {@link DeviceWorkspace}, one device and one page-locked host allocation grown to the
 * largest tile seen and reused; the segment partials take {@code rows * columnSegments + columns * rowSegments}
 * doubles, where a block of n rows and K classes has at most {@code n / 16 + K} segments. The class orders and
 * segment tables ({@link ClassSegments}, one for each block of a tile) are Java arrays grown and reused the same
 * way: once warmed on a shape, a call allocates nothing. A tile beyond {@link #fits} (partials over the budget, or
 * more segments than a grid's y dimension) is the caller's to compute otherwise. Used by one thread at a time.
 */
public final class EuclideanBlockWorkspace extends DeviceWorkspace {
    /** Rows per segment: {@code EB_TILE} of the kernel source. */
    static final int SEGMENT = 16;
    /** Threads of a block of the class-sum kernel. */
    static final int SUM_THREADS = 256;
    /** The most segments of the row block (the tile grid's y dimension). */
    static final int MAX_ROW_SEGMENTS = 65_535;
    /** The most bytes of segment partials one call may take on the device. */
    static final long PARTIALS_BUDGET = 512L << 20;
    /** The signatures the launches are checked against. */
    public static final KernelSignatures SIGNATURES = KernelSignatures.of(List.of(KernelCatalog.EUCLIDEAN_BLOCKS));

    private static final long ALIGN = 256;

    /** The row block's class order and segments, reused from call to call. */
    private final ClassSegments rowSegments = new ClassSegments(SEGMENT);
    /** The column block's, reused too. */
    private final ClassSegments columnSegments = new ClassSegments(SEGMENT);

    /** Owns {@code port} from here on: {@link #close()} closes it. */
    public EuclideanBlockWorkspace(DevicePort port) {
        super(port, SIGNATURES);
    }

    /** Whether the tile of {@code rows} by {@code columns} blocks runs on the device (else compute it otherwise). */
    public static boolean fits(PreparedBlock rows, PreparedBlock columns) {
        long rowSegments = segmentBound(rows);
        long columnSegments = segmentBound(columns);
        long partials = ((long) rows.rows() * columnSegments + (long) columns.rows() * rowSegments) * Double.BYTES;
        long sums = (long) Math.max(rows.rows(), columns.rows()) * rows.classCount();
        return rowSegments <= MAX_ROW_SEGMENTS && partials <= PARTIALS_BUDGET && sums < Integer.MAX_VALUE;
    }

    /** Whether the diagonal tile of {@code block} runs on the device. */
    public static boolean fits(PreparedBlock block) {
        return fits(block, block);
    }

    /** At least the number of segments of {@code block}: a class run of n rows has ceil(n / 16) segments. */
    private static long segmentBound(PreparedBlock block) {
        return Math.min(block.rows(), (long) block.rows() / SEGMENT + block.classCount());
    }

    /**
     * {@code rowSums[i*K + y_j] += d(x_i, x_j)} and {@code columnSums[j*K + y_i] += d(x_i, x_j)} for every row i of
     * {@code rows} and j of {@code columns}. The blocks must {@link #fits fit}.
     */
    public void addSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        run(rows, columns, rowSums, columnSums);
    }

    /** {@code sums[i*K + y_j] += d(x_i, x_j)} for every ordered pair of distinct rows of {@code block}. */
    public void addSumsWithin(PreparedBlock block, double[] sums) {
        run(block, null, sums, null);
    }

    /** A tile; {@code columns == null} for the diagonal one. */
    private void run(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        boolean within = columns == null;
        PreparedBlock other = within ? rows : columns;
        int k = rows.classCount();
        int d = rows.dims();
        ClassSegments rowSegments = this.rowSegments;
        rowSegments.plan(rows.classes(), rows.rows(), k);
        ClassSegments columnSegments = rowSegments;
        if (!within) {
            columnSegments = this.columnSegments;
            columnSegments.plan(other.classes(), other.rows(), k);
        }
        int r = rows.rows();
        int c = within ? 0 : other.rows();
        double scale = PowerOfTwoScale.of(within ? largest(rows) : Math.max(largest(rows), largest(other)));

        // host (page-locked) layout: values, the four int tables, then the downloaded sums
        long hRows = 0;
        long hColumns = align(hRows + (long) r * d * Float.BYTES);
        long hRowStarts = align(hColumns + (long) c * d * Float.BYTES);
        long hColumnStarts = align(hRowStarts + (rowSegments.count() + 1L) * Integer.BYTES);
        long hRowFirst = align(hColumnStarts + (columnSegments.count() + 1L) * Integer.BYTES);
        long hColumnFirst = align(hRowFirst + (k + 1L) * Integer.BYTES);
        long hRowSums = align(hColumnFirst + (k + 1L) * Integer.BYTES);
        long hColumnSums = align(hRowSums + (long) r * k * Double.BYTES);
        long hEnd = align(hColumnSums + (long) c * k * Double.BYTES);
        // device layout: the same, then the segment partials
        long dRowPartials = hEnd;
        long dColumnPartials = align(dRowPartials + (long) r * columnSegments.count() * Double.BYTES);
        long dEnd = align(dColumnPartials + (long) c * rowSegments.count() * Double.BYTES);

        DevicePort port = port();
        port.makeCurrent();
        reserve(dEnd, hEnd);
        MemorySegment pinned = host();
        long device = device(0);
        try {
            stage(rows, rowSegments, scale, pinned, hRows);
            MemorySegment.copy(rowSegments.starts(), 0, pinned, JAVA_INT, hRowStarts, rowSegments.count() + 1);
            MemorySegment.copy(rowSegments.classFirst(), 0, pinned, JAVA_INT, hRowFirst, k + 1);
            if (!within) {
                stage(other, columnSegments, scale, pinned, hColumns);
                MemorySegment.copy(columnSegments.starts(), 0, pinned, JAVA_INT, hColumnStarts,
                        columnSegments.count() + 1);
                MemorySegment.copy(columnSegments.classFirst(), 0, pinned, JAVA_INT, hColumnFirst, k + 1);
            }
            upload(0, 0, hRowSums); // values and tables in one copy
            long columnValues = device + (within ? hRows : hColumns);
            long columnStarts = device + (within ? hRowStarts : hColumnStarts);
            long columnFirst = device + (within ? hRowFirst : hColumnFirst);
            long columnPartials = device + (within ? dRowPartials : dColumnPartials);
            args().ptr(device + hRows).ptr(columnValues).i32(d)
                    .ptr(device + hRowStarts).i32(rowSegments.count())
                    .ptr(columnStarts).i32(columnSegments.count()).i32(within ? 1 : 0)
                    .ptr(device + dRowPartials).ptr(columnPartials)
                    .launch("euclidean_block_tiles", columnSegments.count(), rowSegments.count(), SEGMENT, SEGMENT);
            classSums(device + dRowPartials, r, columnSegments.count(), columnFirst, k, device + hRowSums);
            if (!within) {
                classSums(device + dColumnPartials, c, rowSegments.count(), device + hRowFirst, k,
                        device + hColumnSums);
            }
            download(hRowSums, hRowSums, hEnd - hRowSums);
            synchronize();
        } catch (RuntimeException | Error e) {
            DevicePort.drainAfter(port, e);
            throw e;
        }
        double unscale = 1.0 / scale; // a power of two: exact
        addInto(pinned, hRowSums, rowSegments.order(), r, k, unscale, rowSums);
        if (!within) {
            addInto(pinned, hColumnSums, columnSegments.order(), c, k, unscale, columnSums);
        }
    }

    private void classSums(long partials, int rows, int segments, long classFirst, int k, long sums) {
        long elements = (long) rows * k;
        args().ptr(partials).i32(rows).i32(segments).ptr(classFirst).i32(k).ptr(sums)
                .launch("euclidean_block_class_sums", (int) ((elements + SUM_THREADS - 1) / SUM_THREADS),
                        SUM_THREADS);
    }

    /**
     * The rows of {@code block} in class order, times {@code scale} (a power of two, applied in double: exact, and
     * the largest magnitude lands in [1, 2) even when the scale itself is beyond float).
     */
    private static void stage(PreparedBlock block, ClassSegments segments, double scale, MemorySegment out,
                              long offset) {
        int d = block.dims();
        MemorySegment in = block.embeddings();
        int[] order = segments.order();
        for (int p = 0; p < block.rows(); p++) {
            long from = (long) order[p] * d;
            long to = offset / Float.BYTES + (long) p * d;
            for (int t = 0; t < d; t++) {
                out.setAtIndex(JAVA_FLOAT, to + t, (float) (in.getAtIndex(JAVA_FLOAT_UNALIGNED, from + t) * scale));
            }
        }
    }

    private static double largest(PreparedBlock block) {
        MemorySegment in = block.embeddings();
        long n = (long) block.rows() * block.dims();
        float largest = 0f;
        for (long i = 0; i < n; i++) {
            largest = Math.max(largest, Math.abs(in.getAtIndex(JAVA_FLOAT_UNALIGNED, i)));
        }
        return largest;
    }

    /** {@code target[order[p]*K + k] += sums[p*K + k] * unscale}, in row order; the sums {@code offset} bytes in. */
    private static void addInto(MemorySegment pinned, long offset, int[] order, int rows, int k, double unscale,
                                double[] target) {
        long first = offset / Double.BYTES;
        for (int p = 0; p < rows; p++) {
            int base = order[p] * k;
            for (int q = 0; q < k; q++) {
                target[base + q] += pinned.getAtIndex(JAVA_DOUBLE, first + (long) p * k + q) * unscale;
            }
        }
    }

    private static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }
}
