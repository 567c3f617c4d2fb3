package dev.softsilhouette.bench.jmh;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.bench.workload.SyntheticBatch;
import dev.softsilhouette.bench.workload.Workload;
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
import org.openjdk.jmh.infra.BenchmarkParams;

import java.util.concurrent.TimeUnit;

/**
 * The loss through the public API, as a user calls it (validation and label preparation included), on one backend.
 * The runner ({@code BenchRunner}) sets {@code backend} to each backend found and {@code workload} to each workload of
 * the profile; the defaults here only make the class runnable on its own with the JMH command line
 * ({@code -p backend=cpu-vector -p workload=4096x256x100}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class LossBenchmark {
    /** For JMH. */
    public LossBenchmark() {
    }


    /** A backend name as {@code Backends.list()} gives it. */
    @Param("reference")
    public String backend;

    /** {@code NxDxK}. */
    @Param("256x128x10")
    public String workload;

    /** {@code euclidean}, {@code sqeuclidean} or {@code cosine}. */
    @Param({"euclidean", "sqeuclidean", "cosine"})
    public String metric;

    /** Temperature of forward and forwardBackward; the score always uses 0. */
    @Param("0.1")
    public double tau;

    private SoftSilhouetteLoss loss;
    private Floats embeddings;
    private Ints labels;
    private Floats gradient;
    private int n;
    private int d;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
        Workload w = Workload.parse(workload);
        SyntheticBatch batch = SyntheticBatch.clustered(w);
        n = batch.n();
        d = batch.d();
        embeddings = Floats.of(batch.embeddings());
        labels = Ints.of(batch.labels());
        gradient = Floats.of(new float[batch.embeddings().length]);
        loss = SoftSilhouetteLoss.builder()
                .metric(Metric.parse(metric))
                .temperature(tau)
                .backend(backend)
                .build();
        if (!loss.backendName().equals(backend)) {
            throw new IllegalStateException("asked for backend " + backend + ", got " + loss.backendName());
        }
        String benchmark = params.getBenchmark();
        String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        JitQuiet.warm(operation + " " + backend + " " + workload + " " + metric, switch (operation) {
            case "forward" -> this::forward;
            case "forwardBackward" -> this::forwardBackward;
            case "score" -> this::score;
            default -> throw new IllegalStateException("no operation for benchmark " + benchmark);
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loss.close();
    }

    @Benchmark
    public double forward() {
        return loss.forward(embeddings, labels, n, d);
    }

    @Benchmark
    public double forwardBackward() {
        return loss.forwardBackward(embeddings, labels, n, d, gradient);
    }

    @Benchmark
    public double score() {
        return loss.score(embeddings, labels, n, d);
    }
}
