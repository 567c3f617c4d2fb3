package dev.softsilhouette.cuda.engine.blocks;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.DeviceWorkspace;
import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The per-row silhouettes of the block decomposition under {@code SQUARED_EUCLIDEAN} and {@code COSINE} (SPEC
 * section 12) on one device stream: what {@code SilhouetteBackend.blockSilhouettes} computes, with the kernel of
 * {@code class_blocks.cu}. The host turns the merged statistics into class means and scatters ({@link ClassMeans},
 * O(K*D), the API's own rule) and uploads them with the block's rows and classes (O(rows*D)); one device thread per
 * row centres its row, computes its squared distances to the K means directly and applies the API's class-sum and
 * silhouette rules in double (O(rows*K*D) on the device). The host reads back one double per row and adds them in
 * row order, so the sum is the same bit for bit on every run.
 *
 * <p>Memory: the engine's {@link DeviceWorkspace}, one device and one page-locked host allocation grown to the
 * largest block seen and reused, and one {@link ClassMeans}: once warmed on a shape, a call allocates nothing. The
 * device also holds {@code rows * K} doubles of class sums; a block beyond {@link #fits} is the caller's to compute
 * otherwise. Used by one thread at a time.
 */
public final class ClassBlockWorkspace extends DeviceWorkspace {
    /** Threads of a block of the kernel (one per row). */
    static final int THREADS = 128;
    /** The most bytes of per-row class sums one call may take on the device. */
    static final long SUMS_BUDGET = 512L << 20;
    /** The signatures the launches are checked against. */
    public static final KernelSignatures SIGNATURES = KernelSignatures.of(List.of(KernelCatalog.CLASS_BLOCKS));

    private static final long ALIGN = 256;

    private final ClassMeans classMeans = new ClassMeans();

    /** Owns {@code port} from here on: {@link #close()} closes it. */
    public ClassBlockWorkspace(DevicePort port) {
        super(port, SIGNATURES);
    }

    /**
     * Whether the block's silhouettes run on the device: a metric with class statistics, at least one row, and the
     * per-row class sums within the budget (else compute them otherwise).
     */
    public static boolean fits(PreparedBlock block, Metric metric, ClassTable statistics) {
        long sums = (long) block.rows() * statistics.classCount();
        return (metric == Metric.SQUARED_EUCLIDEAN || metric == Metric.COSINE) && block.rows() > 0
                && sums * Double.BYTES <= SUMS_BUDGET && (long) block.rows() * block.dims() < Integer.MAX_VALUE;
    }

    /**
     * s_i of every row of {@code block} against the merged {@code statistics} into {@code silhouettesOut} (float32
     * in row order, or {@code null}); returns their sum in row order. The block must {@link #fits fit}.
     */
    public double silhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                              MemorySegment silhouettesOut) {
        int n = block.rows();
        int d = block.dims();
        int k = statistics.classCount();
        classMeans.load(metric, statistics);

        // host (page-locked) layout: rows, classes, shift, means, class terms (W, Q, C), offsets, then the results
        long hRows = 0;
        long hClasses = align(hRows + (long) n * d * Float.BYTES);
        long hShift = align(hClasses + (long) n * Integer.BYTES);
        long hMeans = align(hShift + (long) d * Double.BYTES);
        long hTerms = align(hMeans + (long) k * d * Double.BYTES);
        long hOffsets = align(hTerms + 3L * k * Double.BYTES);
        long hSilhouettes = align(hOffsets + (k + 1L) * Integer.BYTES);
        long hEnd = align(hSilhouettes + (long) n * Double.BYTES);
        // device layout: the same, then the per-row class sums
        long dSums = hEnd;
        long dEnd = align(dSums + (long) n * k * Double.BYTES);

        DevicePort port = port();
        port.makeCurrent();
        reserve(dEnd, hEnd);
        MemorySegment pinned = host();
        long device = device(0);
        try {
            MemorySegment.copy(block.embeddings(), JAVA_FLOAT_UNALIGNED, 0, pinned, JAVA_FLOAT_UNALIGNED, hRows,
                    (long) n * d);
            MemorySegment.copy(block.classes(), 0, pinned, JAVA_INT, hClasses, n);
            MemorySegment.copy(statistics.shift(), 0, pinned, JAVA_DOUBLE, hShift, d);
            MemorySegment.copy(classMeans.means(), 0, pinned, JAVA_DOUBLE, hMeans, k * d);
            MemorySegment.copy(classMeans.scatters(), 0, pinned, JAVA_DOUBLE, hTerms, k);
            MemorySegment.copy(statistics.squaredNorms(), 0, pinned, JAVA_DOUBLE, hTerms + (long) k * Double.BYTES, k);
            MemorySegment.copy(statistics.floorCorrections(), 0, pinned, JAVA_DOUBLE,
                    hTerms + 2L * k * Double.BYTES, k);
            MemorySegment.copy(statistics.classOffsets(), 0, pinned, JAVA_INT, hOffsets, k + 1);
            upload(0, 0, hSilhouettes); // everything in one copy
            args().ptr(device + hRows).i32(n).i32(d).ptr(device + hClasses).i32(metric == Metric.COSINE ? 1 : 0)
                    .f64(Metric.COSINE_NORM_FLOOR).ptr(device + hShift).ptr(device + hMeans).ptr(device + hTerms)
                    .ptr(device + hOffsets).i32(k).f64(ClassMeans.NOISE).f64(tau).ptr(device + dSums)
                    .ptr(device + hSilhouettes)
                    .launch("class_block_silhouettes", (n + THREADS - 1) / THREADS, THREADS);
            download(hSilhouettes, hSilhouettes, (long) n * Double.BYTES);
            synchronize();
        } catch (RuntimeException | Error e) {
            DevicePort.drainAfter(port, e);
            throw e;
        }
        double total = 0.0;
        long first = hSilhouettes / Double.BYTES;
        for (int i = 0; i < n; i++) {
            double s = pinned.getAtIndex(JAVA_DOUBLE, first + i);
            total += s;
            if (silhouettesOut != null) {
                silhouettesOut.setAtIndex(JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
        }
        return total;
    }

    private static long align(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }
}
