package dev.softsilhouette;

import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SilhouetteMath;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The silhouette of a data set computed block by block (SPEC section 12): for data larger than memory or spread
 * over machines. Blocks are {@link RowBlock}s; labels are global (the same value is the same class in every block).
 * Every result equals the whole-batch one to 1e-6 (float64 accumulation).
 *
 * <p>{@code SQUARED_EUCLIDEAN} and {@code COSINE}, two passes over the blocks:
 * <pre>{@code
 * BlockSilhouette blocks = BlockSilhouette.builder().metric(Metric.COSINE).build();
 * double[] shift = blocks.shift(first);                          // any block's: common to every block
 * ClassStatistics all = null;
 * for (RowBlock b : data) {                                      // pass 1: O(rows*D) per block, mergeable
 *     ClassStatistics s = blocks.statistics(b, shift);
 *     all = all == null ? s : all.merge(s);
 * }
 * all.classes().requireScorable();
 * double total = 0;
 * for (RowBlock b : data) total += blocks.silhouettes(all, b, null);   // pass 2: O(rows*K*D) per block
 * double score = total / all.classes().rows();
 * }</pre>
 *
 * <p>{@code EUCLIDEAN} needs every pair: per-row per-class distance sums over pairs of blocks, each unordered pair
 * once (both directions from one tile), then the silhouettes from the sums:
 * <pre>{@code
 * ClassCounts classes = ...;                                     // ClassCounts.of(labels) of every block, merged
 * double[][] sums = new double[B][];                             // sums[b]: rows_b * K, [row][class]
 * for (int i = 0; i < B; i++) {
 *     blocks.addEuclideanSums(classes, block[i], sums[i]);                        // the diagonal tile
 *     for (int j = i + 1; j < B; j++) blocks.addEuclideanSums(classes, block[i], block[j], sums[i], sums[j]);
 * }
 * for (int i = 0; i < B; i++) total += blocks.silhouettesFromSums(classes, block[i].labels(), block[i].rows(), sums[i], null);
 * }</pre>
 * Summed over every pair, {@code sums[i*K + k]} is {@code sum_{j != i, y_j = k} d(x_i, x_j)}: the row's own class
 * gives {@code (n_c - 1) a_i}, any other {@code n_k delta_ik}.
 *
 * <p>Classes that occur only in other blocks: a block's statistics hold its own classes; merging makes the union.
 * The per-row steps need the classes of the whole data set (the merged statistics or {@link ClassCounts}), so that
 * every competing class is seen; a row whose label is missing from them is an error. SPEC section 3's conventions
 * (singletons, one class, {@code max(a, b) = 0}) apply to the classes and sizes of the whole data set.
 *
 * <p>Each block operation runs on the backend chosen at build time (its native block kernels, or the float64
 * defaults of {@link SilhouetteBackend}); every argument is validated first (SPEC section 9) and nothing is written
 * when one is rejected. Thread-safe; its settings never change. It holds a lease on its backend like
 * {@link SoftSilhouetteLoss}: close it when done (try-with-resources).
 */
public final class BlockSilhouette implements AutoCloseable {
    private final Metric metric;
    private final double tau;
    private final BackendLease backend;

    private BlockSilhouette(Builder b) {
        this.metric = b.metric;
        this.tau = b.tau;
        this.backend = BackendRegistry.get().lease(b.backend, "this BlockSilhouette");
    }

    /**
     * Returns the backend lease, as {@link SoftSilhouetteLoss#close()} does (the last lease on a backend closes it);
     * every later operation throws {@link IllegalStateException}. Idempotent.
     */
    @Override
    public void close() {
        backend.close();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Metric metric() {
        return metric;
    }

    /** The temperature of the per-row silhouettes; 0 (the default) is the hard silhouette of the score. */
    public double temperature() {
        return tau;
    }

    /** The backend that computes the block operations. */
    public String backendName() {
        return backend.name();
    }

    // ---------------------------------------------------------------- SQUARED_EUCLIDEAN, COSINE

    /**
     * A shift for the class statistics: the mean of the block's rows ({@code SQUARED_EUCLIDEAN}) or of its unit rows
     * ({@code COSINE}), in float64. Centring on it removes what far-from-origin data shares (SPEC section 6); any
     * block's (the first, a sample) serves every block, as long as all use the same one.
     */
    public double[] shift(RowBlock block) {
        backend.ensureOpen();
        requireStatisticsMetric("shift");
        PreparedBlock prepared = prepare("block", block, null, -1);
        int d = block.dims();
        double[] zero = new double[d];
        double[] row = new double[d];
        double[] sum = new double[d];
        for (int i = 0; i < block.rows(); i++) {
            BlockMath.centredRow(metric, prepared.embeddings(), i, d, zero, row);
            for (int t = 0; t < d; t++) {
                sum[t] += row[t];
            }
        }
        for (int t = 0; t < d; t++) {
            sum[t] /= block.rows();
        }
        return sum;
    }

    /**
     * The class statistics of one block about {@code shift} ({@code SQUARED_EUCLIDEAN}, {@code COSINE}): O(rows*D).
     *
     * @param shift D finite values, the same for every block of the data set (see {@link #shift})
     */
    public ClassStatistics statistics(RowBlock block, double[] shift) {
        backend.ensureOpen();
        requireStatisticsMetric("statistics");
        Arguments.notNull(block, "block");
        Arguments.shift(shift, block.dims(), "the block has");
        PreparedBlock blockOnly = prepare("block", block, null, -1);
        ClassCounts classes = ClassCounts.of(block.labels(), block.rows());
        int k = classes.classCount();
        int d = block.dims();
        double[] copy = shift.clone();
        ClassTable table = new ClassTable(k, d, copy, classes.offsets(), new double[k * d], new double[k],
                new double[k]);
        PreparedBlock prepared = new PreparedBlock(blockOnly.embeddings(), block.rows(), d,
                classes.indicesOf(block.labels(), block.rows(), "block.labels"), k);
        backend.addClassStatistics(prepared, metric, table);
        return new ClassStatistics(metric, d, copy, classes, table.sums(), table.squaredNorms(),
                table.floorCorrections());
    }

    /**
     * The silhouette s_i of every row of the block, from the statistics merged over the whole data set
     * ({@code SQUARED_EUCLIDEAN}, {@code COSINE}): O(rows*K*D).
     *
     * @param statistics     the merge of every block's statistics (it must hold every row's class)
     * @param silhouettesOut {@code block.rows()} values in the block's row order, or {@code null}
     * @return {@code sum_i s_i} over the block (the score is the sum over blocks divided by N)
     */
    public double silhouettes(ClassStatistics statistics, RowBlock block, Floats silhouettesOut) {
        backend.ensureOpen();
        requireStatisticsMetric("silhouettes");
        Arguments.notNull(statistics, "statistics");
        if (statistics.metric() != metric) {
            throw new IllegalArgumentException("statistics: computed for " + statistics.metric() + ", this is "
                    + metric);
        }
        Arguments.notNull(block, "block");
        PreparedBlock blockOnly = prepare("block", block, null, statistics.dims());
        MemorySegment out = perRowOutput(silhouettesOut, block, blockOnly.embeddings());
        ClassCounts classes = statistics.classes();
        PreparedBlock prepared = new PreparedBlock(blockOnly.embeddings(), block.rows(), block.dims(),
                classes.indicesOf(block.labels(), block.rows(), "block.labels"), classes.classCount());
        return backend.blockSilhouettes(prepared, metric, tau, statistics.table(), out);
    }

    // ---------------------------------------------------------------- EUCLIDEAN

    /**
     * Adds the Euclidean distance sums of two distinct blocks, both directions from one tile:
     * {@code rowSums[i*K + k] += sum_{j in columns, y_j = k} d(x_i, x_j)} for every row i of {@code rows}, and
     * {@code columnSums[j*K + k] += sum_{i in rows, y_i = k} d(x_i, x_j)} for every row j of {@code columns}.
     * O(rows * columns * D), memory O(1) beyond the blocks.
     *
     * @param classes    the classes of the whole data set (K = {@code classes.classCount()})
     * @param rowSums    at least {@code rows.rows() * K} values, added to
     * @param columnSums at least {@code columns.rows() * K} values, added to; not the same array as {@code rowSums}
     */
    public void addEuclideanSums(ClassCounts classes, RowBlock rows, RowBlock columns, double[] rowSums,
                                 double[] columnSums) {
        backend.ensureOpen();
        requireEuclidean("addEuclideanSums");
        Arguments.notNull(classes, "classes");
        Arguments.notNull(rows, "rows");
        Arguments.notNull(columns, "columns");
        PreparedBlock r = prepare("rows", rows, classes, -1);
        PreparedBlock c = prepare("columns", columns, classes, rows.dims());
        sumsArray("rowSums", rowSums, rows.rows(), classes.classCount());
        sumsArray("columnSums", columnSums, columns.rows(), classes.classCount());
        if (rowSums == columnSums) {
            throw new IllegalArgumentException("columnSums: must not be the same array as rowSums");
        }
        backend.addEuclideanSums(r, c, rowSums, columnSums);
    }

    /**
     * Adds the Euclidean distance sums of a block with itself (the diagonal tile):
     * {@code sums[i*K + k] += sum_{j in block, j != i, y_j = k} d(x_i, x_j)}.
     *
     * @param sums at least {@code block.rows() * K} values, added to
     */
    public void addEuclideanSums(ClassCounts classes, RowBlock block, double[] sums) {
        backend.ensureOpen();
        requireEuclidean("addEuclideanSums");
        Arguments.notNull(classes, "classes");
        Arguments.notNull(block, "block");
        PreparedBlock b = prepare("block", block, classes, -1);
        sumsArray("sums", sums, block.rows(), classes.classCount());
        backend.addEuclideanSumsWithin(b, sums);
    }

    /**
     * The finishing step of {@code EUCLIDEAN}: s_i of {@code rows} rows from their distance sums over the whole data
     * set (SPEC section 3, with its conventions for singletons, one class and {@code max(a, b) = 0}).
     *
     * @param labels         the rows' labels
     * @param sums           {@code sums[i*K + k]}: the sums {@link #addEuclideanSums} added up over every block
     * @param silhouettesOut {@code rows} values, or {@code null}
     * @return {@code sum_i s_i}
     */
    public double silhouettesFromSums(ClassCounts classes, Ints labels, int rows, double[] sums,
                                      Floats silhouettesOut) {
        backend.ensureOpen();
        Arguments.notNull(classes, "classes");
        Arguments.notNull(labels, "labels");
        if (rows < 1) {
            throw new IllegalArgumentException("rows: the number of rows must be >= 1, got " + rows);
        }
        Arguments.labels(labels, rows);
        LabelPreparation.checkNonNegative(labels.segment(), rows);
        int k = classes.classCount();
        sumsArray("sums", sums, rows, k);
        for (long j = 0, end = (long) rows * k; j < end; j++) {
            double v = sums[(int) j];
            if (!(v >= 0.0) || v == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("sums: index " + j + " is " + v
                        + "; distance sums are finite and >= 0");
            }
        }
        MemorySegment out = null;
        if (silhouettesOut != null) {
            Arguments.output("silhouettes", silhouettesOut, rows, "rows");
            out = silhouettesOut.segment(rows);
        }
        int[] classOf = classes.indicesOf(labels, rows, "labels");
        int[] offsets = classes.offsets();
        double total = 0.0;
        for (int i = 0; i < rows; i++) {
            double s = SilhouetteMath.rowSilhouette(classOf[i], sums, i * k, offsets, tau, null, 0);
            total += s;
            if (out != null) {
                out.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) s);
            }
        }
        return total;
    }

    // ---------------------------------------------------------------- validation

    /**
     * Checks one block (shape, lengths, negative labels, finite values) and, when {@code classes} is given, maps its
     * labels to class indices; {@code dims >= 1} requires that many dimensions.
     */
    private static PreparedBlock prepare(String name, RowBlock block, ClassCounts classes, int dims) {
        Arguments.notNull(block, name);
        int n = block.rows();
        int d = block.dims();
        if (n < 1) {
            throw new IllegalArgumentException(name + ": the number of rows must be >= 1, got " + n);
        }
        if (d < 1) {
            throw new IllegalArgumentException(name + ": the number of dimensions must be >= 1, got " + d);
        }
        if (dims >= 1 && d != dims) {
            throw new IllegalArgumentException(name + ": rows of " + d + " dimensions; the data set has " + dims);
        }
        if (block.embeddings().length() < (long) n * d) { // names built only for the message
            Arguments.lengthOfProduct(name + ".embeddings", block.embeddings().length(), "rows", n, "dims", d);
        }
        if (block.labels().length() < n) {
            Arguments.length(name + ".labels", block.labels().length(), n, "rows");
        }
        MemorySegment xs = block.embeddings().segment((long) n * d);
        LabelPreparation.checkNonNegative(name + ".labels", block.labels().segment(), n);
        Arguments.finite(name + ".embeddings", xs, n, d);
        if (classes == null) {
            return new PreparedBlock(xs, n, d, new int[n], 1);
        }
        return new PreparedBlock(xs, n, d, classes.indicesOf(block.labels(), n, name + ".labels"),
                classes.classCount());
    }

    private static MemorySegment perRowOutput(Floats out, RowBlock block, MemorySegment embeddings) {
        if (out == null) {
            return null;
        }
        Arguments.output("silhouettes", out, block.rows(), "rows");
        MemorySegment segment = out.segment(block.rows());
        Arguments.disjoint("silhouettes", segment, "block.embeddings", embeddings);
        Arguments.disjoint("silhouettes", segment, "block.labels", block.labels().segment());
        return segment;
    }

    private static void sumsArray(String name, double[] sums, int rows, int classes) {
        Arguments.notNull(sums, name);
        long needed = (long) rows * classes;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + ": rows*K = " + needed + " is more than an array holds; "
                    + "use smaller blocks");
        }
        Arguments.lengthOfProduct(name, sums.length, "rows", rows, "K", classes);
    }

    private void requireStatisticsMetric(String operation) {
        if (!metric.decomposes()) {
            throw new IllegalStateException(operation + " needs SQUARED_EUCLIDEAN or COSINE (class statistics); "
                    + "EUCLIDEAN decomposes through addEuclideanSums and silhouettesFromSums");
        }
    }

    private void requireEuclidean(String operation) {
        if (metric.decomposes()) {
            throw new IllegalStateException(operation + " is for EUCLIDEAN; " + metric
                    + " decomposes through statistics and silhouettes");
        }
    }

    @Override
    public String toString() {
        return "BlockSilhouette[metric=" + metric + ", tau=" + tau + ", backend=" + backend.name() + "]";
    }

    /** Settings: metric (default {@code EUCLIDEAN}), temperature (default 0: the hard silhouette), backend. */
    public static final class Builder {
        private Metric metric = Metric.EUCLIDEAN;
        private double tau = 0.0;
        private String backend;

        private Builder() {
        }

        public Builder metric(Metric metric) {
            this.metric = Objects.requireNonNull(metric, "metric");
            return this;
        }

        /** tau >= 0 of the per-row silhouettes; 0 (the default) is the classical silhouette. */
        public Builder temperature(double tau) {
            Arguments.tau(tau);
            this.tau = tau;
            return this;
        }

        /** A backend name or preference list; {@code null} returns to the configured choice. */
        public Builder backend(String nameOrList) {
            this.backend = nameOrList;
            return this;
        }

        /** @throws BackendSelectionException when the requested backend is missing or unavailable */
        public BlockSilhouette build() {
            return new BlockSilhouette(this);
        }
    }
}
