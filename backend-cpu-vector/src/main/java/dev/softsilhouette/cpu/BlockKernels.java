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
 * kernels read the float rows into double. A Euclidean tile is the whole-batch kernel's design in double: both blocks
 * moved by the row block's mean, the column block packed as panels, a 4-row by 2-panel register-blocked Gram
 * product, {@code |a|^2 + |b|^2 - 2<a, b>} recomputed directly where it has cancelled. Class statistics use direct
 * squared distances to the class means. The per-row and per-class rules are the API's
 * ({@link BlockMath#centredRow}, {@link ClassMeans}).
 *
 * <p>One instance per calling thread, its arrays grown to the largest block seen: steady-state calls allocate
 * nothing. Each call runs on its caller's thread; engines parallelise over blocks and tiles (a call is one task).
 * Every sum is added in a fixed order, so results are bit-identical call to call.
 */
final class BlockKernels {
    /** Columns of a tile whose packed panels stay in cache while every row of the tile passes them. */
    private static final int COLUMN_CHUNK = 256;
    /** Below this fraction of {@code |a|^2 + |b|^2} the expanded squared distance is recomputed directly. */
    private static final double NEAR = 1.0 / 64;

    private final SimdOps ops;
    private final ClassMeans classMeans = new ClassMeans();
    private double[] row = new double[0];
    private double[] sums = new double[0];
    private double[] rowValues = new double[0];
    private double[] rowNorms = new double[0];
    private double[] columnValues = new double[0];
    private double[] columnNorms = new double[0];
    private double[] panels = new double[0];
    private double[] shift = new double[0];
    private final double[] gram;

    BlockKernels(SimdOps ops) {
        this.ops = ops;
        this.gram = new double[8 * ops.doubleLanes()];
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
        prepareTile(rows, columns);
        tile(rows, columns, rowSums, columnSums, false);
    }

    void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        prepareTile(block, block);
        tile(block, block, sums, sums, true);
    }

    /**
     * Both blocks as doubles, moved by the row block's mean (distances are translation invariant; this keeps the
     * expansion below from cancelling for data far from the origin), with their squared norms; the columns also
     * packed as panels of {@code doubleLanes()} columns side by side per dimension, zero-padded.
     */
    private void prepareTile(PreparedBlock rows, PreparedBlock columns) {
        int d = rows.dims();
        int n = rows.rows();
        int m = columns.rows();
        int lanes = ops.doubleLanes();
        rowValues = load(rows, rowValues, SortedBatch.roundUp(n, 4));
        shift = SortedBatch.grow(shift, d);
        java.util.Arrays.fill(shift, 0, d, 0.0);
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < d; t++) {
                shift[t] += rowValues[i * d + t];
            }
        }
        for (int t = 0; t < d; t++) {
            shift[t] /= n;
        }
        rowNorms = centre(rowValues, n, d, rowNorms);
        columnValues = load(columns, columnValues, m);
        columnNorms = centre(columnValues, m, d, columnNorms);
        int padded = SortedBatch.roundUp(m, 2 * lanes);
        panels = SortedBatch.grow(panels, padded * d);
        for (int j = 0; j < padded; j++) {
            int base = j / lanes * d * lanes + j % lanes;
            for (int t = 0; t < d; t++) {
                panels[base + t * lanes] = j < m ? columnValues[j * d + t] : 0.0;
            }
        }
    }

    /** Subtracts the shift from each of {@code rows} rows and returns their squared norms. */
    private double[] centre(double[] values, int rows, int d, double[] norms) {
        double[] out = SortedBatch.grow(norms, rows);
        for (int i = 0; i < rows; i++) {
            double sq = 0.0;
            for (int t = 0; t < d; t++) {
                double v = values[i * d + t] - shift[t];
                values[i * d + t] = v;
                sq += v * v;
            }
            out[i] = sq;
        }
        return out;
    }

    /**
     * Every pair of the tile, as 4-row by 2-panel Gram blocks over chunks of columns that stay in cache:
     * {@code |a - b|^2 = |a|^2 + |b|^2 - 2 <a, b>}, recomputed directly where that has cancelled (below
     * {@link #NEAR} of {@code |a|^2 + |b|^2}: rows close together). {@code within}: the rows are the columns, and
     * only the pairs {@code i < j} count (each into both rows' sums).
     */
    private void tile(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums,
                      boolean within) {
        int d = rows.dims();
        int k = rows.classCount();
        int n = rows.rows();
        int m = columns.rows();
        int lanes = ops.doubleLanes();
        int width = 2 * lanes;
        int panelStride = d * lanes;
        int padded = SortedBatch.roundUp(m, width);
        int[] rowClasses = rows.classes();
        int[] columnClasses = columns.classes();
        for (int c0 = 0; c0 < padded; c0 += COLUMN_CHUNK) {
            int c1 = Math.min(padded, c0 + COLUMN_CHUNK);
            for (int i0 = 0; i0 < n; i0 += 4) {
                for (int j0 = c0; j0 < c1; j0 += width) {
                    if (within && j0 + width - 1 <= i0) {
                        continue; // no pair i < j in this block
                    }
                    ops.gram4x2(rowValues, i0 * d, d, panels, j0 / lanes * panelStride, panelStride, d, gram, 0);
                    int rowsHere = Math.min(4, n - i0);
                    int columnsHere = Math.min(width, m - j0);
                    for (int r = 0; r < rowsHere; r++) {
                        int i = i0 + r;
                        double rowNorm = rowNorms[i];
                        int rowBase = i * k;
                        int ci = rowClasses[i];
                        for (int q = within ? Math.max(0, i + 1 - j0) : 0; q < columnsHere; q++) {
                            int j = j0 + q;
                            double norms = rowNorm + columnNorms[j];
                            double squared = norms - 2.0 * gram[r * width + q];
                            if (squared < norms * NEAR) {
                                squared = ops.squaredDistance(rowValues, i * d, columnValues, j * d, d);
                            }
                            double dist = Math.sqrt(squared);
                            rowSums[rowBase + columnClasses[j]] += dist;
                            columnSums[j * k + ci] += dist;
                        }
                    }
                }
            }
        }
    }

    /** The block's rows as doubles, row-major, in {@code into} (grown to {@code rows} rows; rows past the block 0). */
    private static double[] load(PreparedBlock block, double[] into, int rows) {
        int d = block.dims();
        int count = block.rows() * d;
        double[] out = SortedBatch.grow(into, rows * d);
        MemorySegment x = block.embeddings();
        for (int i = 0; i < count; i++) {
            out[i] = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        java.util.Arrays.fill(out, count, rows * d, 0.0);
        return out;
    }
}
