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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a new JVM pays: single-shot times in fresh forks (no warm-up iteration), of the first
 * {@code forwardBackward} after {@code build()} and of the first {@value #CALLS} calls, as a training loop makes
 * them. {@code code} is the {@code silhouette.cpu.code} property of the fork: {@code default} (the plain loops for the
 * first call, then the Vector API), {@code vector} (the Vector API from the first call) or {@code lanes}; compare
 * the first 200 calls with 200 times the steady-state {@code LossBenchmark.forwardBackward} of the same workload.
 * Run with {@code bench/run-cold-start.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 10, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public class ColdStartBenchmark {
    /** The calls of {@link #first200Calls()}. */
    public static final int CALLS = 200;

    /** For JMH. */
    public ColdStartBenchmark() {
    }

    /** A backend name, or {@code auto}. */
    @Param("auto")
    public String backend;

    /** {@code NxDxK}. */
    @Param("256x128x10")
    public String workload;

    @Param("euclidean")
    public String metric;

    /** The fork's {@code silhouette.cpu.code}: {@code default}, {@code vector} or {@code lanes}. */
    @Param({"default", "vector"})
    public String code;

    private SoftSilhouetteLoss loss;
    private Floats embeddings;
    private Ints labels;
    private Floats gradient;
    private int n;
    private int d;

    /** Builds the loss (the backend is chosen and created here): what {@code build()} costs is not measured. */
    @Setup(Level.Trial)
    public void setUp() {
        if (!code.equals("default")) {
            System.setProperty("silhouette.cpu.code", code); // read when the registry creates the backend, below
        }
        SyntheticBatch batch = SyntheticBatch.clustered(Workload.parse(workload));
        n = batch.n();
        d = batch.d();
        embeddings = Floats.of(batch.embeddings());
        labels = Ints.of(batch.labels());
        gradient = Floats.of(new float[batch.embeddings().length]);
        loss = SoftSilhouetteLoss.builder().metric(Metric.parse(metric)).temperature(0.1).backend(backend).build();
    }

    @Benchmark
    public double firstCall() {
        return loss.forwardBackward(embeddings, labels, n, d, gradient);
    }

    @Benchmark
    public double first200Calls() {
        double sum = 0.0;
        for (int c = 0; c < CALLS; c++) {
            sum += loss.forwardBackward(embeddings, labels, n, d, gradient);
        }
        return sum;
    }
}
