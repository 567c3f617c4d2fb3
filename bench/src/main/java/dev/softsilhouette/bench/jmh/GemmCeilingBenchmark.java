package dev.softsilhouette.bench.jmh;

import dev.softsilhouette.bench.ceiling.GemmCeiling;
import dev.softsilhouette.bench.ceiling.GemmCeilings;
import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.ceiling.coretype.OpenBlasSetting;
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

/** A vendor SGEMM ({@link GemmCeiling}) at a workload's Gram shape: the rate the backends are compared with. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class GemmCeilingBenchmark {
    /** For JMH. */
    public GemmCeilingBenchmark() {
    }


    /** A ceiling's name ({@code openblas-sgemm}, {@code cublas-sgemm}). */
    @Param("openblas-sgemm")
    public String ceiling;

    /** {@code MxNxK}: {@code C[M x N] = A[M x K] * B[N x K]^T}. */
    @Param("256x256x128")
    public String shape;

    /**
     * The environment the ceiling runs under: for OpenBLAS an {@link OpenBlasSetting} label ({@code as-given},
     * {@code unset}, {@code SkylakeX}...), set by the process that started this fork; {@code as-given} elsewhere.
     * It lands in JMH's results, so that each figure says which setting it was measured under.
     */
    @Param("as-given")
    public String setting;

    private GemmCeiling.Multiplication multiplication;

    @Setup(Level.Trial)
    public void setUp() {
        if (ceiling.equals(OpenBlasSgemmCeiling.NAME) && !OpenBlasSetting.parse(setting).holdsIn(System.getenv())) {
            throw new IllegalStateException("labelled " + setting + " but this JVM's environment is not that "
                    + "setting's: start it through the runner");
        }
        GemmCeiling c = GemmCeilings.byName(ceiling)
                .orElseThrow(() -> new IllegalStateException("no ceiling named " + ceiling + " on the class path"));
        GemmCeiling.Probe probe = c.probe();
        if (!probe.available()) {
            throw new IllegalStateException(ceiling + " is unavailable: " + probe.reason());
        }
        multiplication = c.prepare(GemmShape.parse(shape));
    }

    @Benchmark
    public void sgemm() {
        multiplication.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        multiplication.close();
    }
}
