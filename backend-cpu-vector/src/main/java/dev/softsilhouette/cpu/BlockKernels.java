package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The block decomposition (SPEC section 12) in double vectors: the block contract is float64 accumulation (s_i equal
 * to the whole batch to 1e-6), which the float32 Gram tiles of the whole-batch kernels do not promise, so these
 * kernels read the float rows into double and compute every distance directly ({@code sum (a - b)^2}, no
 * expansion). The per-row and per-class rules are the API's ({@link BlockMath#centredRow}, {@link ClassMeans}).
 *
 * <p>One instance per calling thread, its arrays grown to the largest block seen: steady-state calls allocate
 * nothing. Each call runs on its caller's thread; engines parallelise over blocks and tiles (a call is one task).
 * Every sum is added in a fixed order (rows, then columns, increasing), so results are bit-identical call to call.
 */
final class BlockKernels {
    /** Rows of the row block kept hot while the columns stream past them. */
    private static final int ROW_PANEL = 64;

    private final SimdOps ops;
    private final ClassMeans classMeans = new ClassMeans();
    private double[] row = new double[0];
    private double[] sums = new double[0];
    private double[] rowValues = new double[0];
    private double[] columnValues = new double[0];
    private final double[] squared = new double[4];

    BlockKernels(SimdOps ops) {
        this.ops = ops;
    }

    void addClassStatistics(PreparedBlock block, Metric metric, ClassTable into) {
        int d = block.dims();
        row = SortedBatch.grow(row, d);
        int[] classes = block.classes();
        double[] classSums = into.sums();
        double[] squaredNorms = into.squaredNorms();
        double[] corrections = into.floorCorrections();
        for (int i = 0, n = block.rows(); i < n; i++) {
            double c = BlockMath.centredRow(metric, block.embeddings(), i, d, into.shift(), row);
            int k = classes[i];
            squaredNorms[k] += ops.addAndSquare(row, classSums, k * d, d);
            corrections[k] += c;
        }
    }

    double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                            MemorySegment silhouettesOut) {
        int d = block.dims();
        int k = statistics.classCount();
        row = SortedBatch.grow(row, d);
        sums = SortedBatch.grow(sums, k);
        classMeans.load(metric, statistics);
        double[] means = classMeans.means();
        int[] classes = block.classes();
        int[] offsets = statistics.classOffsets();
        double total = 0.0;
        for (int i = 0, n = block.rows(); i < n; i++) {
            double c = BlockMath.centredRow(metric, block.embeddings(), i, d, statistics.shift(), row);
            double squaredNorm = 0.0;
            for (int t = 0; t < d; t++) {
                squaredNorm += row[t] * row[t];
            }
            int q = 0;
            for (; q + 4 <= k; q += 4) {
                ops.squaredDistances4(means, q * d, d, row, 0, d, sums, q);
            }
            for (; q < k; q++) {
                sums[q] = ops.squaredDistance(means, q * d, row, 0, d);
            }
            classMeans.toDistanceSums(classes[i], squaredNorm, c, sums);
            double s = SilhouetteMath.rowSilhouette(classes[i], sums, 0, offsets, tau, null, 0);
            total += s;
            if (silhouettesOut != null) {
                silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
        }
        return total;
    }

    void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        int d = rows.dims();
        int k = rows.classCount();
        rowValues = load(rows, rowValues);
        columnValues = load(columns, columnValues);
        double[] a = rowValues;
        double[] b = columnValues;
        int[] rowClasses = rows.classes();
        int[] columnClasses = columns.classes();
        int n = rows.rows();
        int m = columns.rows();
        for (int p0 = 0; p0 < n; p0 += ROW_PANEL) {
            int p1 = Math.min(n, p0 + ROW_PANEL);
            for (int j = 0; j < m; j++) {
                int cj = columnClasses[j];
                int columnBase = j * k;
                int i = p0;
                for (; i + 4 <= p1; i += 4) {
                    ops.squaredDistances4(a, i * d, d, b, j * d, d, squared, 0);
                    for (int r = 0; r < 4; r++) {
                        double dist = Math.sqrt(squared[r]);
                        rowSums[(i + r) * k + cj] += dist;
                        columnSums[columnBase + rowClasses[i + r]] += dist;
                    }
                }
                for (; i < p1; i++) {
                    double dist = Math.sqrt(ops.squaredDistance(a, i * d, b, j * d, d));
                    rowSums[i * k + cj] += dist;
                    columnSums[columnBase + rowClasses[i]] += dist;
                }
            }
        }
    }

    void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        int d = block.dims();
        int k = block.classCount();
        rowValues = load(block, rowValues);
        double[] a = rowValues;
        int[] classes = block.classes();
        int n = block.rows();
        for (int p0 = 0; p0 < n; p0 += ROW_PANEL) {
            int p1 = Math.min(n, p0 + ROW_PANEL);
            for (int j = p0 + 1; j < n; j++) {
                int cj = classes[j];
                int columnBase = j * k;
                int end = Math.min(p1, j); // pairs i < j only: each unordered pair once
                int i = p0;
                for (; i + 4 <= end; i += 4) {
                    ops.squaredDistances4(a, i * d, d, a, j * d, d, squared, 0);
                    for (int r = 0; r < 4; r++) {
                        double dist = Math.sqrt(squared[r]);
                        sums[(i + r) * k + cj] += dist;
                        sums[columnBase + classes[i + r]] += dist;
                    }
                }
                for (; i < end; i++) {
                    double dist = Math.sqrt(ops.squaredDistance(a, i * d, a, j * d, d));
                    sums[i * k + cj] += dist;
                    sums[columnBase + classes[i]] += dist;
                }
            }
        }
    }

    /** The block's rows as doubles, row-major, in {@code into} (grown when too small). */
    private static double[] load(PreparedBlock block, double[] into) {
        int count = block.rows() * block.dims();
        double[] out = SortedBatch.grow(into, count);
        MemorySegment x = block.embeddings();
        for (int i = 0; i < count; i++) {
            out[i] = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        return out;
    }
}
