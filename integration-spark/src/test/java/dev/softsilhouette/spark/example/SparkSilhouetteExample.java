package dev.softsilhouette.spark.example;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import dev.softsilhouette.spark.SilhouetteEvaluator;

import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Scores a clustering with {@link SilhouetteEvaluator} in Spark local mode: the three distance measures, each with
 * its time, next to {@code ClusteringEvaluator} (squaredEuclidean, cosine) and, for euclidean, the single-machine
 * {@code cpu-vector} score of the same rows. Data: a {@code .npy} pair, a parquet file or generated Gaussian
 * clusters; cached before anything is timed. Times are the best of {@code --repeat} runs (for squaredEuclidean and
 * cosine, after {@code --warmup} untimed rounds of every evaluator, the two evaluators taking turns). Run through
 * integration-spark/run-example.sh; {@code --help} lists the options.
 */
public final class SparkSilhouetteExample {
    private SparkSilhouetteExample() {
    }

    private record Options(String master, int rows, int dims, int classes, long seed, Path npy, Path labels,
                           Path parquet, String features, String prediction, int euclideanRows, int blockRows,
                           int repeat, int warmup, int partitions) {
    }

    public static void main(String[] args) {
        Options o = parse(args);
        SparkSession spark = SparkSession.builder().appName("soft-silhouette-example").master(o.master())
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            run(spark, o);
        } finally {
            spark.stop();
        }
    }

    private static void run(SparkSession spark, Options o) {
        Dataset<Row> data = load(spark, o).cache();
        long n = data.count();
        int partitions = data.rdd().getNumPartitions();
        String backend;
        try (BlockSilhouette probe = BlockSilhouette.builder().build()) {
            backend = probe.backendName();
        }
        System.out.printf(Locale.ROOT, "data: %d rows, %s, %d partitions, master %s, backend %s%n", n, describe(o),
                partitions, o.master(), backend);
        String[] measures = {"squaredEuclidean", "cosine"};
        // Warm-up rounds of every evaluator first, then the timed rounds with the two evaluators taking turns: both
        // are timed in the same JIT and GC state, and neither benefits from running later.
        for (int w = 0; w < o.warmup(); w++) {
            for (String measure : measures) {
                ours(o, measure).evaluate(data);
                mllib(o, measure).evaluate(data);
            }
        }
        for (String measure : measures) {
            Evaluator ours = ours(o, measure);
            Evaluator mllib = mllib(o, measure);
            double oursBest = Double.POSITIVE_INFINITY;
            double mllibBest = Double.POSITIVE_INFINITY;
            double oursScore = Double.NaN;
            double mllibScore = Double.NaN;
            for (int r = 0; r < o.repeat(); r++) {
                long t0 = System.nanoTime();
                oursScore = ours.evaluate(data);
                long t1 = System.nanoTime();
                mllibScore = mllib.evaluate(data);
                long t2 = System.nanoTime();
                oursBest = Math.min(oursBest, (t1 - t0) / 1e9);
                mllibBest = Math.min(mllibBest, (t2 - t1) / 1e9);
            }
            System.out.printf(Locale.ROOT, "%-17s SilhouetteEvaluator %.10f in %8.3f s | ClusteringEvaluator %.10f "
                    + "in %8.3f s | %.1fx%n", measure, oursScore, oursBest, mllibScore, mllibBest,
                    mllibBest / oursBest);
        }
        Dataset<Row> euclideanData = o.euclideanRows() > 0 && o.euclideanRows() < n
                ? data.limit(o.euclideanRows()).repartition(partitions).cache() : data;
        long m = euclideanData.count();
        Timed ours = best(o.repeat(), new SilhouetteEvaluator().setFeaturesCol(o.features())
                .setPredictionCol(o.prediction()).setDistanceMeasure("euclidean").setBlockRows(o.blockRows()),
                euclideanData);
        Timed single = singleMachine(euclideanData, o, (int) m, o.repeat());
        double flops = 2.0 * m * m * single.dims;
        System.out.printf(Locale.ROOT, "%-17s SilhouetteEvaluator %.10f in %8.3f s (%d rows, %.1f GFLOP/s) | "
                + "single-machine cpu-vector %.10f in %8.3f s (%.1f GFLOP/s) | Spark overhead %+.0f%%%n", "euclidean",
                ours.score, ours.seconds, m, flops / ours.seconds / 1e9, single.score, single.seconds,
                flops / single.seconds / 1e9, 100.0 * (ours.seconds / single.seconds - 1));
    }

    private record Timed(double score, double seconds, int dims) {
    }

    private static Evaluator ours(Options o, String measure) {
        return new SilhouetteEvaluator().setFeaturesCol(o.features()).setPredictionCol(o.prediction())
                .setDistanceMeasure(measure).setBlockRows(o.blockRows());
    }

    private static Evaluator mllib(Options o, String measure) {
        return new ClusteringEvaluator().setFeaturesCol(o.features()).setPredictionCol(o.prediction())
                .setDistanceMeasure(measure);
    }

    private static Timed best(int repeat, Evaluator evaluator, Dataset<Row> data) {
        double score = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        for (int r = 0; r < repeat; r++) {
            long t0 = System.nanoTime();
            score = evaluator.evaluate(data);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return new Timed(score, best, 0);
    }

    /** The same rows collected to the driver and scored as one batch by the cpu-vector backend. */
    private static Timed singleMachine(Dataset<Row> data, Options o, int n, int repeat) {
        List<Row> rows = data.select(o.features(), o.prediction()).collectAsList();
        int d = ((org.apache.spark.ml.linalg.Vector) rows.getFirst().get(0)).size();
        float[] x = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double[] v = ((org.apache.spark.ml.linalg.Vector) rows.get(i).get(0)).toArray();
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) v[t];
            }
            y[i] = (int) ((Number) rows.get(i).get(1)).doubleValue();
        }
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(Metric.EUCLIDEAN).backend("cpu-vector")
                .build()) {
            double score = Double.NaN;
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < repeat; r++) {
                long t0 = System.nanoTime();
                score = loss.score(x, y, d);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return new Timed(score, best, d);
        }
    }

    private static Dataset<Row> load(SparkSession spark, Options o) {
        if (o.parquet() != null) {
            return spark.read().parquet(o.parquet().toString());
        }
        List<Row> rows = new ArrayList<>();
        if (o.npy() != null) {
            NpyArray x = Npy.read(o.npy());
            NpyArray y = Npy.read(o.labels());
            if (x.rank() != 2 || y.rank() != 1 || x.shape()[0] != y.shape()[0]) {
                throw new IllegalArgumentException("--npy wants an (N, D) array and --labels an (N,) array; got "
                        + x.shapeString() + " and " + y.shapeString());
            }
            int n = (int) x.shape()[0];
            int d = (int) x.shape()[1];
            for (int i = 0; i < n; i++) {
                double[] v = new double[d];
                for (int t = 0; t < d; t++) {
                    v[t] = x.getDouble((long) i * d + t);
                }
                rows.add(RowFactory.create(Vectors.dense(v), (double) y.getLong(i)));
            }
        } else {
            Random random = new Random(o.seed());
            double[][] centres = new double[o.classes()][o.dims()];
            for (double[] c : centres) {
                for (int t = 0; t < c.length; t++) {
                    c[t] = 3 * random.nextGaussian();
                }
            }
            for (int i = 0; i < o.rows(); i++) {
                int k = i % o.classes();
                double[] v = new double[o.dims()];
                for (int t = 0; t < v.length; t++) {
                    v[t] = centres[k][t] + random.nextGaussian();
                }
                rows.add(RowFactory.create(Vectors.dense(v), (double) k));
            }
        }
        StructType schema = new StructType().add(o.features(), SQLDataTypes.VectorType(), false)
                .add(o.prediction(), DataTypes.DoubleType, false);
        Dataset<Row> frame = spark.createDataFrame(rows, schema);
        return o.partitions() > 0 ? frame.repartition(o.partitions()) : frame;
    }

    private static String describe(Options o) {
        if (o.parquet() != null) {
            return "parquet " + o.parquet();
        }
        if (o.npy() != null) {
            return "npy " + o.npy() + " / " + o.labels();
        }
        return "generated " + o.rows() + " x " + o.dims() + ", " + o.classes() + " Gaussian clusters, seed " + o.seed();
    }

    private static Options parse(String[] args) {
        String master = "local[*]";
        int rows = 20_000;
        int dims = 32;
        int classes = 10;
        long seed = 42;
        Path npy = null;
        Path labels = null;
        Path parquet = null;
        String features = "features";
        String prediction = "prediction";
        int euclideanRows = 0;
        int blockRows = 8192;
        int repeat = 1;
        int warmup = 0;
        int partitions = 0;
        for (int a = 0; a < args.length; a++) {
            String value = a + 1 < args.length ? args[a + 1] : null;
            switch (args[a]) {
                case "--master" -> master = value;
                case "--rows" -> rows = Integer.parseInt(value);
                case "--dims" -> dims = Integer.parseInt(value);
                case "--classes" -> classes = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--npy" -> npy = Path.of(value);
                case "--labels" -> labels = Path.of(value);
                case "--parquet" -> parquet = Path.of(value);
                case "--features" -> features = value;
                case "--prediction" -> prediction = value;
                case "--euclidean-rows" -> euclideanRows = Integer.parseInt(value);
                case "--block-rows" -> blockRows = Integer.parseInt(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--partitions" -> partitions = Integer.parseInt(value);
                case "--help" -> {
                    System.out.println("""
                            options: --master M (local[*]) --repeat R (1: best of R runs) --warmup W (0: untimed
                                     rounds of every evaluator first) --partitions P
                              data:  --rows N --dims D --classes K --seed S (generated: 20000 x 32, 10 clusters)
                                     | --npy X.npy --labels Y.npy | --parquet FILE [--features C --prediction C]
                              euclidean: --euclidean-rows M (score the first M rows; 0: all) --block-rows B (8192)""");
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[a] + " (--help lists them)");
            }
            a++;
        }
        if ((npy == null) != (labels == null)) {
            throw new IllegalArgumentException("--npy and --labels go together");
        }
        return new Options(master, rows, dims, classes, seed, npy, labels, parquet, features, prediction,
                euclideanRows, blockRows, repeat, warmup, partitions);
    }
}
