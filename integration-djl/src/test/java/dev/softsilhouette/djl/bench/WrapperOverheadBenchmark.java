package dev.softsilhouette.djl.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.djl.SoftSilhouetteDjlLoss;
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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * What the DJL wrapper costs over the raw API call on the same batch: {@code raw} is
 * {@code SoftSilhouetteLoss.forwardBackward} on the embeddings' and labels' own memory (the tensors' direct buffers,
 * the bytes the wrapper reads) into a reused gradient buffer; {@code evaluate} is
 * {@code SoftSilhouetteDjlLoss.evaluate} on a PyTorch CPU tensor inside a gradient collector (the kernel call plus
 * the NDArray operations that inject the gradient), its result handed to JMH as the NDArray it is, as the API's value
 * is handed over as a double; {@code evaluateAndBackward} adds DJL's backward pass to the embeddings. Each invocation
 * evaluates a fresh NDArray view of the same tensor (a reshape: no copy), so the once-per-batch cache never answers,
 * and closes the arrays it made; {@code scaffolding} is that harness alone, so the wrapper's own cost is
 * {@code evaluate - scaffolding - raw}.
 *
 * <p>The embeddings are a tensor that PyTorch allocated (64-byte aligned, as a layer's output is), not one over a
 * Java buffer, whose alignment varies from run to run; both sides read it.
 *
 * <p>Run with {@code integration-djl/run-bench.sh} (JMH options after it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true", "-Dai.djl.pytorch.num_threads=1"})
public class WrapperOverheadBenchmark {
    /** N x D; 10 classes. */
    @Param({"256x128", "1024x512"})
    public String shape;

    @Param({"euclidean", "sqeuclidean"})
    public String metric;

    private int n;
    private int d;
    private Arena arena;
    private Floats x;
    private Ints y;
    private Floats gradient;
    private SoftSilhouetteLoss api;
    private SoftSilhouetteDjlLoss loss;
    private NDManager manager;
    private NDArray embeddings;
    private NDArray labels;

    @Setup(Level.Trial)
    public void setUp() {
        String[] nd = shape.split("x");
        n = Integer.parseInt(nd[0]);
        d = Integer.parseInt(nd[1]);
        Random random = new Random(42);
        float[] values = new float[n * d];
        int[] classes = new int[n];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            classes[i] = i % 10;
        }
        api = SoftSilhouetteLoss.builder().metric(Metric.parse(metric)).build();
        loss = new SoftSilhouetteDjlLoss(api);
        manager = NDManager.newBaseManager();
        try (NDArray overJavaBuffer = manager.create(values, new Shape(n, d))) {
            embeddings = overJavaBuffer.duplicate();
        }
        embeddings.setRequiresGradient(true);
        labels = manager.create(classes);
        x = Floats.of(MemorySegment.ofBuffer(embeddings.toByteBuffer(true)));
        y = Ints.of(MemorySegment.ofBuffer(labels.toByteBuffer(true)));
        arena = Arena.ofShared();
        gradient = Floats.of(arena.allocate((long) n * d * Float.BYTES, 64));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        api.close();
        arena.close();
    }

    @Benchmark
    public double raw() {
        return api.forwardBackward(x, y, n, d, gradient);
    }

    /** What {@code evaluate} pays besides the loss: the sub-manager, the gradient collector, the fresh view. */
    @Benchmark
    @SuppressWarnings("try")
    public long scaffolding() {
        try (NDManager batch = manager.newSubManager();
             GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray view = embeddings.reshape(n, d);
            view.attach(batch);
            return view.size();
        }
    }

    @Benchmark
    @SuppressWarnings("try") // the collector records the autograd graph by being open, as in DJL's training loop
    public NDArray evaluate() {
        try (NDManager batch = manager.newSubManager();
             GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray view = embeddings.reshape(n, d);
            view.attach(batch);
            return loss.evaluate(new NDList(labels), new NDList(view));
        }
    }

    @Benchmark
    public NDArray evaluateAndBackward() {
        try (NDManager batch = manager.newSubManager();
             GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray view = embeddings.reshape(n, d);
            view.attach(batch);
            NDArray value = loss.evaluate(new NDList(labels), new NDList(view));
            collector.backward(value);
            return value;
        }
    }
}
