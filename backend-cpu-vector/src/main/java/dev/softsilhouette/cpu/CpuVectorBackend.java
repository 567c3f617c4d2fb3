package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.parallel.WorkerPool;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SupConBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
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
    private final SimdOps ops;
    private final WorkerPool pool;
    /** Each calling thread's slot; the slots are also listed in {@code slots} so that close can empty them all. */
    private final ThreadLocal<WorkspaceSlot> workspaces;
    private final List<WorkspaceSlot> slots = new ArrayList<>(); // guarded by itself
    private volatile boolean closed;

    /** The kernels of one calling thread, sharing one sorted copy of the batch. */
    static final class Workspace {
        final EuclideanTileKernel euclidean;
        final ClassStatisticsKernel statistics;
        final SupConKernel supCon;
        final BlockKernels blocks;

        Workspace(SimdOps ops, WorkerPool pool) {
            SortedBatch data = new SortedBatch(ops);
            euclidean = new EuclideanTileKernel(data, pool);
            statistics = new ClassStatisticsKernel(data, pool);
            supCon = new SupConKernel(data, pool);
            blocks = new BlockKernels(ops);
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

    public CpuVectorBackend(int threads) {
        this.ops = new VectorSimdOps();
        this.pool = new WorkerPool(threads, "soft-silhouette-cpu");
        this.workspaces = ThreadLocal.withInitial(this::newSlot);
    }

    /** The SIMD shape it runs on, for {@code Backends.describe()}. */
    public String describe() {
        return ops.describe();
    }

    /** Stops the worker threads, waiting for them to end, and drops every thread's workspaces. Idempotent. */
    @Override
    public void close() {
        pool.close();
        synchronized (slots) {
            closed = true;
            for (WorkspaceSlot slot : slots) {
                slot.workspace = null;
            }
            slots.clear();
        }
    }

    /** The workspaces alive now (one per thread that has called since the last close), for tests. */
    int workspaceCount() {
        synchronized (slots) {
            return slots.size();
        }
    }

    /** The calling thread's workspace, for tests (created if it has none). */
    Workspace workspaceOfThisThread() {
        return workspace();
    }

    private WorkspaceSlot newSlot() {
        WorkspaceSlot slot = new WorkspaceSlot();
        synchronized (slots) {
            slots.add(slot);
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
                w = new Workspace(ops, pool);
                slot.workspace = w;
            }
        }
        return w;
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
        Workspace w = workspace();
        return switch (metric) {
            case EUCLIDEAN -> w.euclidean.compute(batch, tau, weight, rowWeights, silhouettesOut, gradientOut);
            case SQUARED_EUCLIDEAN, COSINE ->
                    w.statistics.compute(batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut);
        };
    }

    @Override
    public double supConAndGradient(PreparedBatch batch, SupConTemperatures temperatures, double weight,
                                    MemorySegment rowWeights, MemorySegment lossesOut, MemorySegment gradientOut) {
        if (closed) {
            throw closedException();
        }
        return workspace().supCon.supCon(batch, temperatures, weight, rowWeights, lossesOut, gradientOut);
    }

    @Override
    public double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut) {
        if (closed) {
            throw closedException();
        }
        return workspace().supCon.hybrid(batch, terms, gradientOut);
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
        return workspace().blocks;
    }
}
