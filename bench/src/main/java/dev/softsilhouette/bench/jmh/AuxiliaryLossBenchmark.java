package dev.softsilhouette.bench.jmh;

import dev.softsilhouette.Floats;
import dev.softsilhouette.HybridLoss;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.bench.workload.SyntheticBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The auxiliary objectives of the hybrid recipe, each as a training step calls it (value and gradient, through the
 * public API): SupCon, the soft silhouette under each metric, the hybrid {@code SupCon + silhouette (COSINE)} in one
 * call, and the same two terms as two separate calls. The paper claims the silhouette is the lighter term; this
 * measures it. Not part of the runner's profiles; run it with the JMH command line (docs/bench.md):
 * {@code java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar org.openjdk.jmh.Main AuxiliaryLossBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 3, time = 1)
public class AuxiliaryLossBenchmark {
    /** For JMH. */
    public AuxiliaryLossBenchmark() {
    }

    /** A backend with SupCon. */
    @Param("cpu-vector")
    public String backend;

    @Param({"256", "1024", "4096"})
    public int n;

    @Param({"128", "256"})
    public int d;

    /** Classes in the batch. */
    @Param("10")
    public int k;

    private Floats embeddings;
    private Ints labels;
    private Floats gradient;
    private Floats secondGradient;
    private SupConLoss supCon;
    private SoftSilhouetteLoss euclidean;
    private SoftSilhouetteLoss squaredEuclidean;
    private SoftSilhouetteLoss cosine;
    private HybridLoss hybrid;

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticBatch batch = SyntheticBatch.clustered(n, d, k, 1L);
        embeddings = Floats.of(batch.embeddings());
        labels = Ints.of(batch.labels());
        gradient = Floats.of(new float[n * d]);
        secondGradient = Floats.of(new float[n * d]);
        supCon = SupConLoss.builder().backend(backend).build();
        euclidean = SoftSilhouetteLoss.builder().backend(backend).metric(Metric.EUCLIDEAN).build();
        squaredEuclidean = SoftSilhouetteLoss.builder().backend(backend).metric(Metric.SQUARED_EUCLIDEAN).build();
        cosine = SoftSilhouetteLoss.builder().backend(backend).metric(Metric.COSINE).build();
        hybrid = HybridLoss.builder().backend(backend).build();
        compileKernels();
    }

    /**
     * 300 calls of every loss on a 64-row batch before JMH's warm-up: the Vector API code runs interpreted, hundreds of
     * times slower, until the JIT has compiled it (about 100 calls), which at N = 4096 would take most of the warm-up
     * on a loaded machine.
     */
    private void compileKernels() {
        int rows = 64;
        SyntheticBatch small = SyntheticBatch.clustered(rows, d, k, 2L);
        Floats x = Floats.of(small.embeddings());
        Ints y = Ints.of(small.labels());
        Floats g = Floats.of(new float[rows * d]);
        for (int call = 0; call < 300; call++) {
            supCon.forwardBackward(x, y, rows, d, g);
            euclidean.forwardBackward(x, y, rows, d, g);
            squaredEuclidean.forwardBackward(x, y, rows, d, g);
            cosine.forwardBackward(x, y, rows, d, g);
            hybrid.forwardBackward(x, y, rows, d, g);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        supCon.close();
        euclidean.close();
        squaredEuclidean.close();
        cosine.close();
        hybrid.close();
    }

    @Benchmark
    public double supCon() {
        return supCon.forwardBackward(embeddings, labels, n, d, gradient);
    }

    @Benchmark
    public double silhouetteEuclidean() {
        return euclidean.forwardBackward(embeddings, labels, n, d, gradient);
    }

    @Benchmark
    public double silhouetteSquaredEuclidean() {
        return squaredEuclidean.forwardBackward(embeddings, labels, n, d, gradient);
    }

    @Benchmark
    public double silhouetteCosine() {
        return cosine.forwardBackward(embeddings, labels, n, d, gradient);
    }

    /** SupCon + silhouette (COSINE) from one pass over the normalised Gram tiles. */
    @Benchmark
    public double hybridFused() {
        return hybrid.forwardBackward(embeddings, labels, n, d, gradient);
    }

    /** The same two terms as two calls (the gradients summed by the caller is left out: it is O(N*D)). */
    @Benchmark
    public double hybridAsTwoCalls() {
        return supCon.forwardBackward(embeddings, labels, n, d, gradient)
                + cosine.forwardBackward(embeddings, labels, n, d, secondGradient);
    }
}
