package dev.softsilhouette.spark;

import dev.softsilhouette.Metric;

import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;

import java.util.List;

/**
 * The silhouette of a clustering, a drop-in for Spark MLlib's {@code ClusteringEvaluator}: the same parameters
 * ({@code featuresCol}, {@code predictionCol}, {@code metricName} "silhouette", {@code distanceMeasure}
 * "squaredEuclidean" or "cosine") and the same score, computed with the Soft Silhouette block kernels; and
 * {@code distanceMeasure} "euclidean", the exact silhouette of Rousseeuw (scikit-learn's default), which
 * {@code ClusteringEvaluator} does not offer.
 *
 * <ul>
 *   <li>squaredEuclidean, cosine: class statistics per partition, collected (O(K*D) per partition) and merged in
 *       partition order, a broadcast, the s_i per partition: two passes over the data, O(N*K*D) work.</li>
 *   <li>euclidean: every pair of row blocks of at most {@code blockRows} rows once, O(N^2*D) work; memory per
 *       task O(B*K + B*D).</li>
 * </ul>
 * Features: a Spark ML vector (dense or sparse), {@code array<float>} or {@code array<double>}, computed in float32
 * with float64 accumulation; labels: any integral or floating column of cluster ids (whole numbers {@code >= 0}).
 * Weights are not supported ({@link #setWeightCol} refuses). Bad input (null or non-finite features, rows of
 * different lengths, fewer than 2 or more than N-1 classes) is an {@link IllegalArgumentException} that names the
 * column and, for a bad value, the row (its partition and index there); never a number.
 *
 * <p>Executors need this module, the API and a backend on their class path ({@code cpu-vector} wants
 * {@code --add-modules jdk.incubator.vector}); {@code backend} chooses one by name (empty: the configured choice).
 * Readable and writable like Spark's evaluators ({@link #save}, {@link #load}).
 */
public final class SilhouetteEvaluator extends Evaluator implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> metricName;
    private final Param<String> distanceMeasure;
    private final IntParam blockRows;
    private final Param<String> backend;

    public SilhouetteEvaluator() {
        this(Identifiable$.MODULE$.randomUID("silhouetteEval"));
    }

    public SilhouetteEvaluator(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "features column name");
        predictionCol = new Param<>(this, "predictionCol", "prediction column name");
        metricName = new Param<>(this, "metricName", "metric name in evaluation (silhouette)",
                ParamValidators.inArray(List.of("silhouette")));
        distanceMeasure = new Param<>(this, "distanceMeasure", "the distance measure: squaredEuclidean, cosine "
                + "or euclidean (exact, O(N^2 D))",
                ParamValidators.inArray(List.of("squaredEuclidean", "cosine", "euclidean")));
        blockRows = new IntParam(this, "blockRows", "rows per block: the unit of work of a task (and, for "
                + "euclidean, of a tile: memory per task O(blockRows * (K + D)))", ParamValidators.gt(0));
        backend = new Param<>(this, "backend", "the Soft Silhouette backend the executors use: a name or a "
                + "comma-separated preference list; empty for the configured choice");
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(metricName, "silhouette");
        setDefault(distanceMeasure, "squaredEuclidean");
        setDefault(blockRows, 8192);
        setDefault(backend, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> metricName() {
        return metricName;
    }

    public Param<String> distanceMeasure() {
        return distanceMeasure;
    }

    public IntParam blockRows() {
        return blockRows;
    }

    public Param<String> backend() {
        return backend;
    }

    public String getFeaturesCol() {
        return getOrDefault(featuresCol);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getMetricName() {
        return getOrDefault(metricName);
    }

    public String getDistanceMeasure() {
        return getOrDefault(distanceMeasure);
    }

    public int getBlockRows() {
        return (Integer) getOrDefault(blockRows);
    }

    public String getBackend() {
        return getOrDefault(backend);
    }

    public SilhouetteEvaluator setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public SilhouetteEvaluator setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public SilhouetteEvaluator setMetricName(String value) {
        set(metricName, value);
        return this;
    }

    public SilhouetteEvaluator setDistanceMeasure(String value) {
        set(distanceMeasure, value);
        return this;
    }

    public SilhouetteEvaluator setBlockRows(int value) {
        set(blockRows, value);
        return this;
    }

    public SilhouetteEvaluator setBackend(String value) {
        set(backend, value);
        return this;
    }

    /**
     * {@code ClusteringEvaluator}'s weighted silhouette is not supported: always throws, so that code moved over from
     * {@code ClusteringEvaluator} fails where it asks for weights instead of silently ignoring them.
     *
     * @throws UnsupportedOperationException always
     */
    public SilhouetteEvaluator setWeightCol(String value) {
        throw new UnsupportedOperationException("weightCol \"" + value + "\": SilhouetteEvaluator computes the "
                + "unweighted silhouette only; use ClusteringEvaluator for weighted rows");
    }

    /** The distance measure as the API's metric. */
    Metric metric() {
        return switch (getDistanceMeasure()) {
            case "squaredEuclidean" -> Metric.SQUARED_EUCLIDEAN;
            case "cosine" -> Metric.COSINE;
            case "euclidean" -> Metric.EUCLIDEAN;
            default -> throw new IllegalStateException("distanceMeasure " + getDistanceMeasure());
        };
    }

    /**
     * The mean silhouette of the rows.
     *
     * @throws IllegalArgumentException for bad input, naming the column (and the row)
     */
    @Override
    public double evaluate(Dataset<?> dataset) {
        Metric metric = metric();
        InputRows input = InputRows.of(dataset, getFeaturesCol(), getPredictionCol());
        try {
            return metric.decomposes()
                    ? StatisticsScore.score(input, metric, getBackend(), getBlockRows())
                    : EuclideanScore.score(input, getBackend(), getBlockRows());
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            // A task's IllegalArgumentException reaches the driver inside a SparkException (which Scala throws
            // undeclared): surface it. Anything else is rethrown as it came.
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof IllegalArgumentException bad) {
                    throw new IllegalArgumentException(bad.getMessage(), e);
                }
            }
            throw e;
        }
    }

    @Override
    public SilhouetteEvaluator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String toString() {
        return "SilhouetteEvaluator: uid=" + uid + ", metricName=" + getMetricName() + ", distanceMeasure="
                + getDistanceMeasure();
    }

    public static MLReader<SilhouetteEvaluator> read() {
        return new DefaultParamsReader<>();
    }

    public static SilhouetteEvaluator load(String path) {
        return read().load(path);
    }
}
