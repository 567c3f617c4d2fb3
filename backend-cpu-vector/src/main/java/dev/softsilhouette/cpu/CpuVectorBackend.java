package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SupConBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The {@code cpu-vector} backend: {@code EUCLIDEAN} by {@link EuclideanTileKernel}, {@code SQUARED_EUCLIDEAN} and
 * {@code COSINE} by {@link ClassStatisticsKernel}, on a {@link WorkerPool} of {@value CpuVectorBackendProvider#THREADS_PROPERTY}
 * threads; SupCon and the hybrid objective (SPEC section 11) by {@link SupConKernel}; the block decomposition (SPEC
 * section 12) by {@link BlockKernels} (float64, on the calling thread). Each calling thread keeps its own workspaces,
 * sized by the largest batch it has seen, so steady-state calls allocate nothing; results are bit-identical from call
 * to call and for any thread count.
 *
 * <p>{@link #close()} stops the pool's threads (and waits for them to end) and drops every thread's workspaces;
 * a call after close is an {@link IllegalStateException}.
 *
 * <p>Loaded only once the provider has found {@code jdk.incubator.vector}.
 */
public final class CpuVectorBackend implements SupConBackend {
    /** Which code runs the calls. Every choice gives the same bits ({@link LaneSimdOps} is the Vector API code's twin). */
    public enum Code {
        /** The Vector API code. */
        VECTOR,
        /** The plain-loop twin of the Vector API code. */
        LANES,
        /**
         * The plain loops for the first call, the Vector API code from the second on: the first call of a JVM runs
         * in the interpreter and C1, where the loops are several times faster than Vector API code that C2 has not
         * compiled yet (each vector is then a heap object); the calls after it compile the vector code. A first call
         * of more than {@link #LANES_MOST_WORK} runs the vector code: C2 compiles it during the call, and compiled
         * plain loops would be tens of times slower for the rest of it.
         */
        LANES_FIRST
    }

    /**
     * The most work (N^2 D or N K D) a first call runs on the plain loops: above it the vector code's compilation
     * (seconds of C2) is paid back within the call. On 2 cores the plain loops were still well ahead at 2^32 for a
     * Euclidean forward+backward and at 2^31 for a cosine one; a cold Euclidean score (four times less work a unit)
     * breaks even near 2^34.5. N=256 D=128 is 2^23; the digits' score 2^28.
     */
    static final long LANES_MOST_WORK = 1L << 32;

    /** The work of a call on a batch, for {@link #LANES_MOST_WORK}: N^2 D for EUCLIDEAN, N K D otherwise. */
    private static long work(PreparedBatch batch, boolean pairwise) {
        long n = batch.rows();
        return pairwise ? n * n * batch.dims() : n * Math.max(1, batch.classCount()) * batch.dims();
    }

    /**
     * How long after its first call a backend leaves one core to the JIT compilers. C1 and C2 compile the kernels in
     * that time (C2 alone spends about 2 s of one core on the Vector API code at N=256 D=128, {@code -XX:+CITime}),
     * and calls that take every core starve the compiler threads on a small machine, so the slow uncompiled calls go
     * on longer: on 2 cores, one worker instead of two made the first 400 calls at N=256 D=128 about a quarter
     * shorter. The bits do not depend on the worker count.
     */
    static final long COMPILER_WINDOW_NANOS = 3_000_000_000L;

    /**
     * Within {@link #COMPILER_WINDOW_NANOS}, the most work of a call on the vector code that leaves a core to the
     * compilers: a larger one pays the compilation back within itself and wants every core for the rest.
     */
    static final long VECTOR_CORE_MOST_WORK = 1L << 31;

    /**
     * The same for a first call on the plain loops, whose methods compile within milliseconds: a call of more work
     * spends little of its time waiting for them (on 2 cores, every core was slower for a first Euclidean
     * forward+backward up to 2^29 and faster from 2^31).
     */
    static final long PLAIN_LOOPS_CORE_MOST_WORK = 1L << 30;
    private final VectorSimdOps vector;
    private final LaneSimdOps lanes;
    private final WorkerPool pool;
    /** When the first call began ({@link System#nanoTime}), 0 before it. */
    private volatile long firstCallNanos;
    /** Whether {@link #COMPILER_WINDOW_NANOS} has passed since the first call; once true, stays true. */
    private volatile boolean compilerWindowOver;
    /** Whether calls run the Vector API code; once true, stays true. */
    private volatile boolean vectorCode;
    private final boolean switchesToVector;
    /**
     * Each calling thread's slot, also listed (weakly) in {@code slots} so that close can empty them all; the slot of
     * a thread that has ended goes with the thread, workspace included.
     */
    private final ThreadLocal<WorkspaceSlot> workspaces;
    private final List<WeakReference<WorkspaceSlot>> slots = new ArrayList<>(); // guarded by itself
    private volatile boolean closed;

    /**
     * The kernels of one calling thread for one kind of code, sharing one sorted copy of the batch; each is made on
     * its first use, so a first call loads the classes of its own kernel only.
     */
    static final class Kernels {
        private final SortedBatch data;
        private final WorkerPool pool;
        private EuclideanTileKernel euclidean;
        private ClassStatisticsKernel statistics;
        private SupConKernel supCon;
        private BlockKernels blocks;

        Kernels(SimdOps ops, WorkerPool pool) {
            this.data = new SortedBatch(ops);
            this.pool = pool;
        }

        EuclideanTileKernel euclidean() {
            if (euclidean == null) {
                euclidean = new EuclideanTileKernel(data, pool);
            }
            return euclidean;
        }

        ClassStatisticsKernel statistics() {
            if (statistics == null) {
                statistics = new ClassStatisticsKernel(data, pool);
            }
            return statistics;
        }

        SupConKernel supCon() {
            if (supCon == null) {
                supCon = new SupConKernel(data, pool);
            }
            return supCon;
        }

        BlockKernels blocks() {
            if (blocks == null) {
                blocks = new BlockKernels(data.ops);
            }
            return blocks;
        }
    }

    /** One calling thread's kernels: the plain-loop set is dropped once the vector code runs. */
    static final class Workspace {
        private Kernels lanesKernels;
        private Kernels vectorKernels;

        /** Whether this thread's calls ran the plain loops (their kernels are dropped at the next vector call). */
        boolean ranPlainLoops() {
            return lanesKernels != null;
        }
    }

    /**
     * Holds one thread's workspace. The thread's {@link ThreadLocal} map keeps the slot until the thread ends; close
     * empties it, so the workspace itself is garbage at once.
     */
    private static final class WorkspaceSlot {
        Workspace workspace;
    }

    public CpuVectorBackend() {
        this(CpuVectorBackendProvider.configuredThreads());
    }

    /** The Vector API code from the first call. */
    public CpuVectorBackend(int threads) {
        this(threads, Code.VECTOR);
    }

    /**
     * For the provider: {@code code} is {@code vector}, {@code lanes}, or anything else (null included) for
     * {@link Code#LANES_FIRST}.
     */
    public CpuVectorBackend(int threads, String code) {
        this(threads, "vector".equals(code) ? Code.VECTOR : "lanes".equals(code) ? Code.LANES : Code.LANES_FIRST);
    }

    public CpuVectorBackend(int threads, Code code) {
        this.vector = new VectorSimdOps();
        this.lanes = new LaneSimdOps(vector);
        this.pool = new WorkerPool(threads, "soft-silhouette-cpu");
        this.workspaces = new ThreadLocal<>() { // not withInitial: a fresh JVM would spin a class for its lambda
            @Override
            protected WorkspaceSlot initialValue() {
                return newSlot();
            }
        };
        this.vectorCode = code == Code.VECTOR;
        this.switchesToVector = code == Code.LANES_FIRST;
    }

    /** Whether the next call runs the Vector API code. */
    public boolean runsVectorCode() {
        return vectorCode;
    }

    /** The SIMD shape it runs on, for {@code Backends.describe()}. */
    public String describe() {
        return vector.describe();
    }

    /** Stops the worker threads, waiting for them to end, and drops every thread's workspaces. Idempotent. */
    @Override
    public void close() {
        pool.close();
        synchronized (slots) {
            closed = true;
            for (WeakReference<WorkspaceSlot> ref : slots) {
                WorkspaceSlot slot = ref.get();
                if (slot != null) {
                    slot.workspace = null;
                }
            }
            slots.clear();
        }
    }

    /** The workspaces still reachable through a slot (one per live calling thread, at least), for tests. */
    int workspaceCount() {
        synchronized (slots) {
            int count = 0;
            for (WeakReference<WorkspaceSlot> ref : slots) {
                WorkspaceSlot slot = ref.get();
                if (slot != null && slot.workspace != null) {
                    count++;
                }
            }
            return count;
        }
    }

    /** The calling thread's workspace, for tests (created if it has none). */
    Workspace workspaceOfThisThread() {
        return workspace();
    }

    private WorkspaceSlot newSlot() {
        WorkspaceSlot slot = new WorkspaceSlot();
        synchronized (slots) {
            // An iterator, not removeIf: its lambda would spin a class during a JVM's first call.
            for (Iterator<WeakReference<WorkspaceSlot>> it = slots.iterator(); it.hasNext(); ) {
                if (it.next().get() == null) {
                    it.remove(); // the slot of a thread that has ended
                }
            }
            slots.add(new WeakReference<>(slot));
        }
        return slot;
    }

    private Workspace workspace() {
        WorkspaceSlot slot = workspaces.get();
        Workspace w = slot.workspace;
        if (w == null) {
            synchronized (slots) { // once per thread; close cannot empty the slot list in between
                if (closed) {
                    throw closedException();
                }
                w = new Workspace();
                slot.workspace = w;
            }
        }
        return w;
    }

    /**
     * The kernels for this call on this thread; the first call of a {@link Code#LANES_FIRST} backend flips it, and
     * runs the vector code itself when its {@code work} is above {@link #LANES_MOST_WORK}.
     */
    private Kernels kernels(long work) {
        Workspace w = workspace();
        if (switchesToVector && work > LANES_MOST_WORK) {
            vectorCode = true;
        }
        boolean vectorCall = vectorCode;
        if (!compilerWindowOver) {
            pool.limit(leavesCoreToCompilers(work, vectorCall) ? pool.size() - 1 : pool.size());
        }
        if (vectorCall) {
            w.lanesKernels = null;
            if (w.vectorKernels == null) {
                w.vectorKernels = new Kernels(vector, pool);
            }
            return w.vectorKernels;
        }
        if (switchesToVector) {
            vectorCode = true; // this call is the one that runs the loops
        }
        if (w.lanesKernels == null) {
            w.lanesKernels = new Kernels(lanes, pool);
        }
        return w.lanesKernels;
    }

    /**
     * Whether a call of {@code work} runs on one worker fewer than the pool: within {@link #COMPILER_WINDOW_NANOS} of
     * the first call, unless it is above {@link #VECTOR_CORE_MOST_WORK} (on the vector code) or
     * {@link #PLAIN_LOOPS_CORE_MOST_WORK} (on the plain loops).
     */
    private boolean leavesCoreToCompilers(long work, boolean vectorCall) {
        long now = System.nanoTime();
        long first = firstCallNanos;
        if (first == 0L) {
            firstCallNanos = first = now; // concurrent first calls may each set it: any of their times will do
        }
        if (now - first >= COMPILER_WINDOW_NANOS) {
            compilerWindowOver = true;
            return false;
        }
        return work <= (vectorCall ? VECTOR_CORE_MOST_WORK : PLAIN_LOOPS_CORE_MOST_WORK);
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("the " + CpuVectorBackendProvider.NAME + " backend is closed");
    }

    @Override
    public String name() {
        return CpuVectorBackendProvider.NAME;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
                           MemorySegment silhouettesOut, MemorySegment gradientOut) {
        if (closed) {
            throw closedException();
        }
        if (batch.classCount() < 2) {
            // One class: every s_i is 0 by convention and nothing depends on X.
            int n = batch.rows();
            if (silhouettesOut != null) {
                for (int i = 0; i < n; i++) {
                    silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, 0f);
                }
            }
            if (gradientOut != null) {
                gradientOut.asSlice(0, (long) n * batch.dims() * Float.BYTES).fill((byte) 0);
            }
            return 0.0;
        }
        Kernels w = kernels(work(batch, metric == Metric.EUCLIDEAN));
        return switch (metric) {
            case EUCLIDEAN -> w.euclidean().compute(batch, tau, weight, rowWeights, silhouettesOut, gradientOut);
            case SQUARED_EUCLIDEAN, COSINE ->
                    w.statistics().compute(batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut);
        };
    }

    @Override
    public double supConAndGradient(PreparedBatch batch, SupConTemperatures temperatures, double weight,
                                    MemorySegment rowWeights, MemorySegment lossesOut, MemorySegment gradientOut) {
        if (closed) {
            throw closedException();
        }
        return kernels(work(batch, true)).supCon().supCon(batch, temperatures, weight, rowWeights, lossesOut,
                gradientOut);
    }

    @Override
    public double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut) {
        return hybridAndGradient(batch, terms, gradientOut, fusesHybrid(batch.rows(), batch.dims()));
    }

    /**
     * The hybrid's plan: one pass over the Gram tiles for both terms ({@code fused}), or the split plan, SupCon's tiles
     * then the cosine silhouette from class statistics. The fused pass adds a few vector operations per pair to SupCon
     * (O(N^2)); the split plan adds the class-statistics kernel (O(N*K*D)) and its setup, so the fused pass pays up to
     * about {@code N = 32 D} and the split plan beyond (measured, single thread, K = 10: even at 4096 x 128, the fused
     * pass ahead at 4096 x 256 and behind at 8192 x 128).
     */
    static boolean fusesHybrid(int n, int d) {
        return n <= 32L * d;
    }

    double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut, boolean fused) {
        if (closed) {
            throw closedException();
        }
        Kernels w = kernels(work(batch, fused));
        if (fused || batch.classCount() < 2) {
            return w.supCon().hybrid(batch, terms, gradientOut);
        }
        double silhouettes = w.statistics().compute(batch, Metric.COSINE, terms.silhouetteTau(),
                terms.silhouetteWeight(), null, null, gradientOut);
        double supCon = w.supCon().supConAdded(batch, terms.temperatures(), terms.supConWeight(), gradientOut);
        return terms.supConWeight() * supCon + terms.silhouetteWeight() * (batch.rows() - silhouettes);
    }

    // ---------------------------------------------------------------- block decomposition (BlockKernels)

    @Override
    public void addClassStatistics(PreparedBlock block, Metric metric, ClassTable statistics) {
        blockKernels().addClassStatistics(block, metric, statistics);
    }

    @Override
    public double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                                   MemorySegment silhouettesOut) {
        return blockKernels().blockSilhouettes(block, metric, tau, statistics, silhouettesOut);
    }

    @Override
    public void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        blockKernels().addEuclideanSums(rows, columns, rowSums, columnSums);
    }

    @Override
    public void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        blockKernels().addEuclideanSumsWithin(block, sums);
    }

    private BlockKernels blockKernels() {
        if (closed) {
            throw closedException();
        }
        return kernels(0).blocks(); // a block call is one tile or one block: the first one is small
    }
}
