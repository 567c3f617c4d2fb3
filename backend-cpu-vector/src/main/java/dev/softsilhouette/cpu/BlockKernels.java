package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The block decomposition (SPEC section 12) on the calling thread. Class statistics and the per-row silhouettes from
 * them run in double vectors: the squared distances to the class means directly (no expansion), a lane group of rows
 * at a time with one row per lane; the per-row and per-class rules are the API's ({@link BlockMath#centredRow},
 * {@link ClassMeans}), the per-row silhouette the whole-batch kernels' ({@link SimdOps#rowSilhouette}).
 *
 * <p>A Euclidean tile is float32 distances with float64 sums: both blocks sorted by class (so every class is a
 * contiguous run), scaled by a common power of two, the column block packed as panels; a 6-row by 3-vector
 * micro-kernel computes each distance directly, {@code sqrt(sum_t (b_t - a_t)^2)} in float32 (no expanded
 * {@code |a|^2 + |b|^2 - 2<a, b>}, so nothing cancels however close the rows or far the data from the origin: a
 * few float32 roundings per distance, about 1e-7 relative at D = 64); each distance row and column is then added in
 * double along the class runs. The subtraction runs beside the FMA (separate pipes on current x86 cores), so a tile
 * costs about what the whole-batch kernel's float32 Gram tile does.
 *
 * <p>One instance per calling thread, its arrays grown to the largest block seen: steady-state calls allocate
 * nothing. Each call runs on its caller's thread; engines parallelise over blocks and tiles (a call is one task).
 * Every sum is added in a fixed order, so results are bit-identical call to call.
 */
final class BlockKernels {
    /** Micro-kernel widths per strip of a tile: the strip's columns, reduced per row along their class runs. */
    private static final int COLUMN_CHUNK = 4;

    /** A block's rows in class order: a stable counting sort. */
    private static final class ClassOrder {
        /** The original row of each sorted position. */
        int[] rows = new int[0];
        /** The class of each sorted position. */
        int[] classes = new int[0];
        /** Class c at sorted positions {@code [offsets[c], offsets[c+1])}. */
        int[] offsets = new int[0];

        void sort(PreparedBlock block) {
            int n = block.rows();
            int k = block.classCount();
            int[] of = block.classes();
            rows = SortedBatch.grow(rows, n);
            classes = SortedBatch.grow(classes, n);
            offsets = SortedBatch.grow(offsets, k + 1);
            java.util.Arrays.fill(offsets, 0, k + 1, 0);
            for (int i = 0; i < n; i++) {
                offsets[of[i] + 1]++;
            }
            for (int c = 0; c < k; c++) {
                offsets[c + 1] += offsets[c];
            }
            for (int i = 0; i < n; i++) { // offsets[c] walks through class c's positions, then is restored
                int p = offsets[of[i]]++;
                rows[p] = i;
                classes[p] = of[i];
            }
            for (int c = k; c > 0; c--) {
                offsets[c] = offsets[c - 1];
            }
            offsets[0] = 0;
        }
    }

    private final SimdOps ops;
    private final ClassMeans classMeans = new ClassMeans();
    private double[] row = new double[0];
    /** {@code |row|^2} of the last {@link #centredRow}. */
    private double centredSquare;
    /** The rows of the block of a statistics call. */
    private float[] values = new float[0];
    private double[] sums = new double[0];
    /** The class means padded with rows of zeros to a multiple of 8 classes, and {@code 1 / n_k} padded with 0. */
    private double[] paddedMeans = new double[0];
    private double[] inverseSizes = new double[0];
    private double[] rowScratch = new double[0];
    /** A group of centred rows (two double vectors), transposed: value t of row r at {@code [t * group + r]}. */
    private double[] laneRows = new double[0];
    /** The group's squared distances to the class means, {@code [class * group + r]}. */
    private double[] laneDistances = new double[0];
    /** The group's centred squared norms and floor corrections. */
    private double[] laneSquares = new double[0];
    private double[] laneCorrections = new double[0];
    /** The group's classes (as doubles, for vector compares) and silhouettes; the classes' sizes n_k. */
    private double[] laneClasses = new double[0];
    private double[] laneSilhouettes = new double[0];
    private double[] sizes = new double[0];
    private final ClassOrder rowOrder = new ClassOrder();
    private final ClassOrder columnOrder = new ClassOrder();
    private float[] rowValues = new float[0];
    private float[] panels = new float[0];
    private float[] strip = new float[0];
    /** The tile's row-side distance sums, [sorted row][class]. */
    private double[] rowAccumulators = new double[0];
    /** The tile's column-side distance sums, [class][sorted column]. */
    private double[] columnAccumulators = new double[0];

    BlockKernels(SimdOps ops) {
        this.ops = ops;
    }

    void addClassStatistics(PreparedBlock block, Metric metric, ClassTable into) {
        int d = block.dims();
        row = SortedBatch.grow(row, d);
        loadValues(block);
        int[] classes = block.classes();
        double[] classSums = into.sums();
        double[] squaredNorms = into.squaredNorms();
        double[] corrections = into.floorCorrections();
        double[] shift = into.shift();
        for (int i = 0, n = block.rows(); i < n; i++) {
            double c = centredRow(metric, i * d, d, shift);
            int k = classes[i];
            ops.add(row, classSums, k * d, d);
            squaredNorms[k] += centredSquare; // |row|^2, summed by centredRow
            corrections[k] += c;
        }
    }

    double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                            MemorySegment silhouettesOut) {
        int d = block.dims();
        int k = statistics.classCount();
        int group = 2 * ops.doubleLanes(); // rows per squaredDistancesByLane
        // classes a multiple of 4 for squaredDistancesByLane, and of the double group for rowSilhouette
        int classesPadded = SortedBatch.roundUp(k, Math.max(4, ops.doubleLanes()));
        row = SortedBatch.grow(row, d);
        sums = SortedBatch.grow(sums, classesPadded);
        rowScratch = SortedBatch.grow(rowScratch, 2 * classesPadded + ops.doubleLanes());
        inverseSizes = SortedBatch.grow(inverseSizes, classesPadded);
        paddedMeans = SortedBatch.grow(paddedMeans, classesPadded * d);
        laneRows = SortedBatch.grow(laneRows, d * group);
        laneDistances = SortedBatch.grow(laneDistances, classesPadded * group);
        laneSquares = SortedBatch.grow(laneSquares, group);
        laneCorrections = SortedBatch.grow(laneCorrections, group);
        laneClasses = SortedBatch.grow(laneClasses, group);
        laneSilhouettes = SortedBatch.grow(laneSilhouettes, group);
        sizes = SortedBatch.grow(sizes, k);
        loadValues(block);
        classMeans.load(metric, statistics);
        System.arraycopy(classMeans.means(), 0, paddedMeans, 0, k * d);
        java.util.Arrays.fill(paddedMeans, k * d, classesPadded * d, 0.0);
        int[] offsets = statistics.classOffsets();
        for (int c = 0; c < k; c++) {
            sizes[c] = statistics.classSize(c);
            inverseSizes[c] = 1.0 / sizes[c];
        }
        java.util.Arrays.fill(inverseSizes, k, classesPadded, 0.0);
        int[] classes = block.classes();
        double[] shift = statistics.shift();
        double total = 0.0;
        // Rows a group of two vectors at a time: their centred values transposed (one lane per row), so that the K
        // squared distances of the group are vector FMAs without sums across lanes; a partial last group runs on zeros.
        for (int g = 0, n = block.rows(); g < n; g += group) {
            int live = Math.min(group, n - g);
            for (int r = 0; r < live; r++) {
                laneCorrections[r] = centredRow(metric, (g + r) * d, d, shift);
                laneSquares[r] = centredSquare;
                for (int t = 0; t < d; t++) {
                    laneRows[t * group + r] = row[t];
                }
            }
            if (live < group) {
                for (int t = 0; t < d; t++) {
                    java.util.Arrays.fill(laneRows, t * group + live, (t + 1) * group, 0.0);
                }
            }
            ops.squaredDistancesByLane(laneRows, paddedMeans, classesPadded, d, laneDistances);
            if (tau == 0.0 && k >= 2) { // the score: every step in lanes, one row per lane
                for (int r = 0; r < group; r++) {
                    laneClasses[r] = r < live ? classes[g + r] : 0;
                }
                ops.silhouettesByLane(laneDistances, k, metric == Metric.COSINE, sizes, inverseSizes,
                        classMeans.scatters(), statistics.squaredNorms(), statistics.floorCorrections(), laneClasses,
                        laneSquares, laneCorrections, laneSilhouettes);
            } else {
                for (int r = 0; r < live; r++) {
                    for (int q = 0; q < k; q++) {
                        sums[q] = laneDistances[q * group + r];
                    }
                    classMeans.toDistanceSums(classes[g + r], laneSquares[r], laneCorrections[r], sums);
                    laneSilhouettes[r] = ops.rowSilhouette(classes[g + r], sums, 0, k, offsets, inverseSizes, tau,
                            null, rowScratch);
                }
            }
            for (int r = 0; r < live; r++) {
                double s = laneSilhouettes[r];
                total += s;
                if (silhouettesOut != null) {
                    silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, g + r, (float) s);
                }
            }
        }
        return total;
    }

    /** The block's rows in {@link #values} (one bulk copy: the vector code reads arrays). */
    private void loadValues(PreparedBlock block) {
        int count = block.rows() * block.dims();
        values = SortedBatch.grow(values, count);
        MemorySegment.copy(block.embeddings(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values, 0, count);
    }

    /**
     * {@link BlockMath#centredRow} of the row at {@code values[off..]} in double vectors (the same rule; its sums in
     * the vector code's fixed order): the centred row into {@link #row}, its squared norm into
     * {@link #centredSquare}; returns the row's floor correction.
     */
    private double centredRow(Metric metric, int off, int d, double[] shift) {
        if (metric != Metric.COSINE) {
            centredSquare = ops.scaleAndCentre(values, off, 1.0, shift, row, d);
            return 0.0;
        }
        double norm = Math.sqrt(ops.squaresAsDouble(values, off, d));
        double floored = Math.max(norm, Metric.COSINE_NORM_FLOOR);
        centredSquare = ops.scaleAndCentre(values, off, floored, shift, row, d);
        if (norm >= Metric.COSINE_NORM_FLOOR) {
            return 0.0; // a unit row by construction: no correction, not rounding noise
        }
        double unitSquare = 0.0;
        for (int t = 0; t < d; t++) {
            double u = values[off + t] / floored;
            unitSquare += u * u;
        }
        return 0.5 * (1.0 - unitSquare);
    }

    void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        float scale = scaleOf(rows, columns);
        int n = rows.rows();
        int m = columns.rows();
        int k = rows.classCount();
        rowOrder.sort(rows);
        columnOrder.sort(columns);
        loadRows(rows, rowOrder.rows, scale);
        packColumns(columns, columnOrder.rows, scale);
        tile(n, m, rows.dims(), k, columnOrder, false);
        double unscale = 1.0 / scale; // a power of two: exact
        int[] rowOf = rowOrder.rows;
        for (int p = 0; p < n; p++) {
            int to = rowOf[p] * k;
            for (int c = 0; c < k; c++) {
                rowSums[to + c] += rowAccumulators[p * k + c] * unscale;
            }
        }
        int[] columnOf = columnOrder.rows;
        for (int p = 0; p < m; p++) {
            int to = columnOf[p] * k;
            for (int c = 0; c < k; c++) {
                columnSums[to + c] += columnAccumulators[c * m + p] * unscale;
            }
        }
    }

    void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        float scale = scaleOf(block, block);
        int n = block.rows();
        int k = block.classCount();
        rowOrder.sort(block);
        loadRows(block, rowOrder.rows, scale);
        packColumns(block, rowOrder.rows, scale);
        tile(n, n, block.dims(), k, rowOrder, true);
        double unscale = 1.0 / scale;
        int[] rowOf = rowOrder.rows;
        for (int p = 0; p < n; p++) {
            int to = rowOf[p] * k;
            for (int c = 0; c < k; c++) {
                // each pair i < j once: into row i's sums from the row side, into row j's from the column side
                sums[to + c] += (rowAccumulators[p * k + c] + columnAccumulators[c * n + p]) * unscale;
            }
        }
    }

    /**
     * A power of two that brings the largest magnitude of both blocks into [1, 2): squares of 1e-20 or 1e18 stay
     * normal and finite in float32, and the scale comes off the distances exactly.
     */
    private static float scaleOf(PreparedBlock rows, PreparedBlock columns) {
        float max = Math.max(maxAbs(rows), maxAbs(columns));
        int exponent = max == 0f ? 0 : Math.max(-126, Math.min(126, Math.getExponent(max)));
        return Math.scalb(1.0f, -exponent);
    }

    private static float maxAbs(PreparedBlock block) {
        MemorySegment x = block.embeddings();
        float max = 0f;
        for (long i = 0, count = (long) block.rows() * block.dims(); i < count; i++) {
            max = Math.max(max, Math.abs(x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i)));
        }
        return max;
    }

    /** The rows in sorted order, scaled, row-major, padded with zero rows to a whole number of 6-row groups. */
    private void loadRows(PreparedBlock block, int[] order, float scale) {
        int n = block.rows();
        int d = block.dims();
        int padded = SortedBatch.roundUp(n, 6);
        rowValues = SortedBatch.grow(rowValues, padded * d);
        MemorySegment x = block.embeddings();
        for (int p = 0; p < n; p++) {
            MemorySegment.copy(x, ValueLayout.JAVA_FLOAT_UNALIGNED, (long) order[p] * d * Float.BYTES, rowValues,
                    p * d, d);
        }
        java.util.Arrays.fill(rowValues, n * d, padded * d, 0f);
        if (scale != 1f) {
            ops.scale(rowValues, 0, n * d, scale);
        }
    }

    /**
     * The rows in sorted order, scaled, as panels of {@code lanes()} rows side by side per dimension
     * ({@code panels[p0*d + t*L + lane] = x[p0 + lane][t]}), padded with zero rows to whole micro-kernel widths.
     */
    private void packColumns(PreparedBlock block, int[] order, float scale) {
        int m = block.rows();
        int d = block.dims();
        int lanes = ops.lanes();
        int padded = SortedBatch.roundUp(m, 3 * lanes);
        panels = SortedBatch.grow(panels, padded * d);
        MemorySegment x = block.embeddings();
        for (int p = 0; p < padded; p++) {
            int base = p / lanes * d * lanes + p % lanes;
            if (p < m) {
                long from = (long) order[p] * d;
                for (int t = 0; t < d; t++) {
                    panels[base + t * lanes] = x.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, from + t) * scale;
                }
            } else {
                for (int t = 0; t < d; t++) {
                    panels[base + t * lanes] = 0f;
                }
            }
        }
    }

    /**
     * Every pair of the tile, as strips of 6 rows by {@link #COLUMN_CHUNK} columns of float32 distances computed
     * directly, then reduced in double along the class runs: each row's distances to a run of one class among the
     * columns into {@link #rowAccumulators} ([row][class]), each column's distances to a run of one class among the
     * rows into {@link #columnAccumulators} ([class][column]). {@code within}: the rows are the columns, and only the
     * pairs {@code i < j} count (strips wholly below the diagonal are skipped, the rest zeroed where {@code j <= i}).
     */
    private void tile(int n, int m, int d, int k, ClassOrder columns, boolean within) {
        int[] rowClass = rowOrder.classes;
        int[] rowOffsets = rowOrder.offsets;
        int[] columnClass = columns.classes;
        int[] columnOffsets = columns.offsets;
        int lanes = ops.lanes();
        int width = 3 * lanes;
        int panelStride = d * lanes;
        int padded = SortedBatch.roundUp(m, width);
        int chunk = COLUMN_CHUNK * width;
        strip = SortedBatch.grow(strip, 6 * chunk);
        rowAccumulators = SortedBatch.grow(rowAccumulators, n * k);
        java.util.Arrays.fill(rowAccumulators, 0, n * k, 0.0);
        columnAccumulators = SortedBatch.grow(columnAccumulators, k * m);
        java.util.Arrays.fill(columnAccumulators, 0, k * m, 0.0);
        for (int c0 = 0; c0 < padded; c0 += chunk) {
            int c1 = Math.min(padded, c0 + chunk);
            int valid = Math.min(c1, m);
            for (int i0 = 0; i0 < n; i0 += 6) {
                int first = within ? Math.max(c0, i0 / width * width) : c0;
                if (first >= valid || (within && valid - 1 <= i0)) {
                    continue; // within: no pair i < j here
                }
                for (int j0 = first; j0 < c1; j0 += width) {
                    ops.distances6x3(rowValues, i0 * d, d, panels, j0 / lanes * panelStride, panelStride, d, strip,
                            j0 - c0, chunk);
                }
                int rowsHere = Math.min(6, n - i0);
                if (within) {
                    for (int r = 0; r < rowsHere; r++) {
                        int end = Math.min(valid, i0 + r + 1);
                        if (end > first) {
                            java.util.Arrays.fill(strip, r * chunk + first - c0, r * chunk + end - c0, 0f);
                        }
                    }
                }
                for (int r = 0; r < rowsHere; r++) {
                    int base = (i0 + r) * k;
                    int off = r * chunk - c0;
                    for (int a = first; a < valid; ) {
                        int c = columnClass[a];
                        int b = Math.min(columnOffsets[c + 1], valid);
                        rowAccumulators[base + c] += ops.sumAsDouble(strip, off + a, off + b);
                        a = b;
                    }
                }
                for (int a = i0, end = i0 + rowsHere; a < end; ) {
                    int c = rowClass[a];
                    int b = Math.min(rowOffsets[c + 1], end);
                    ops.addRowsAsDouble(strip, (a - i0) * chunk + first - c0, b - a, chunk, valid - first,
                            columnAccumulators, c * m + first);
                    a = b;
                }
            }
        }
    }
}
