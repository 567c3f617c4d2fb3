package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.blocks.ClassBlockWorkspace;
import dev.softsilhouette.cuda.engine.blocks.EuclideanBlockWorkspace;
import dev.softsilhouette.spi.BlockMath;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.DeviceResidentBackend;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * A GPU backend as the engine runs it, whatever the binding: a batch with one class answered without device work
 * ({@link OneClassBatch}), otherwise the strategy on the calling thread's workspace ({@link ThreadWorkspaces}, each on
 * the binding's port). The EUCLIDEAN tiles of the block decomposition run on the device too
 * ({@link EuclideanBlockWorkspace}, one per calling thread on a port of its own), except a tile too large for it,
 * which takes the SPI's plain float64 default; so do the per-row silhouettes of SQUARED_EUCLIDEAN and COSINE blocks
 * ({@link ClassBlockWorkspace}, O(rows * K * D) on the device against O(rows * D) uploaded, also one per calling
 * thread on a port of its own). The class statistics keep the SPI's default: they are O(rows * D), no more work than
 * uploading the block would be.
 * GPU-resident batches ({@link DeviceResidentBackend}) run the strategy's resident call on the same workspace; see
 * {@link ResidentEmbeddings}. {@link #close()} closes the workspaces, then gives back what holds the device (a lease,
 * a session).
 *
 * @param <W> the strategy's workspace
 */
public final class StrategyBackend<W extends AutoCloseable> implements DeviceResidentBackend {

    /** One call of a strategy on a thread's workspace, with the SPI's arguments. */
    @FunctionalInterface
    public interface Strategy<W> {
        double run(W workspace, PreparedBatch batch, Metric metric, double tau, double weight,
                   MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut);
    }

    /** One GPU-resident call of a strategy on a thread's workspace, with the SPI's arguments. */
    @FunctionalInterface
    public interface ResidentStrategy<W> {
        double run(W workspace, DeviceBatch batch, Metric metric, double tau, double weight,
                   MemorySegment silhouettesOut, long gradientOut);
    }

    private final String name;
    private final ThreadWorkspaces<W> workspaces;
    private final Strategy<W> strategy;
    private final ResidentStrategy<W> residentStrategy;
    private final ThreadWorkspaces<EuclideanBlockWorkspace> blockWorkspaces;
    private final ThreadWorkspaces<ClassBlockWorkspace> classBlockWorkspaces;
    private final Runnable releaseDevice;

    /**
     * @param name          the provider name
     * @param workspace     makes a workspace (and its port) on the calling thread
     * @param strategy      what a call runs
     * @param resident      what a GPU-resident call runs
     * @param blockPort     makes a port for each of the calling thread's block workspaces (EUCLIDEAN tiles, class
     *                      rows), which owns it
     * @param releaseDevice gives back the device when the backend closes (idempotent)
     */
    public StrategyBackend(String name, Supplier<W> workspace, Strategy<W> strategy, ResidentStrategy<W> resident,
                           Supplier<? extends DevicePort> blockPort, Runnable releaseDevice) {
        this.name = name;
        this.workspaces = new ThreadWorkspaces<>(name, workspace);
        this.strategy = strategy;
        this.residentStrategy = resident;
        this.blockWorkspaces = new ThreadWorkspaces<>(name, () -> new EuclideanBlockWorkspace(blockPort.get()));
        this.classBlockWorkspaces = new ThreadWorkspaces<>(name, () -> new ClassBlockWorkspace(blockPort.get()));
        this.releaseDevice = releaseDevice;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                         MemorySegment rowWeights, MemorySegment silhouettesOut,
                                         MemorySegment gradientOut) {
        workspaces.ensureOpen();
        if (OneClassBatch.applies(batch.classCount())) {
            return OneClassBatch.answer(batch.rows(), batch.dims(), silhouettesOut, gradientOut); // no device work
        }
        return strategy.run(workspaces.get(), batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut);
    }

    /**
     * On the calling thread's workspace, one class included: only the device can read X, so even that batch has its
     * finiteness checked there (and the caller's gradient zeroed there).
     */
    @Override
    public double silhouettesAndGradientOnDevice(DeviceBatch batch, Metric metric, double tau, double weight,
                                                 MemorySegment silhouettesOut, long gradientOut) {
        workspaces.ensureOpen();
        return residentStrategy.run(workspaces.get(), batch, metric, tau, weight, silhouettesOut, gradientOut);
    }

    /**
     * On the device when the block {@link ClassBlockWorkspace#fits fits} (a metric with class statistics, a block
     * with rows, its per-row class sums within the device budget); otherwise the SPI's float64 default, which
     * computes the same rules on the CPU (and, for a metric without class statistics, answers as it always has).
     */
    @Override
    public double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                                   MemorySegment silhouettesOut) {
        classBlockWorkspaces.ensureOpen();
        if (ClassBlockWorkspace.fits(block, metric, statistics)) {
            return classBlockWorkspaces.get().silhouettes(block, metric, tau, statistics, silhouettesOut);
        }
        return BlockMath.blockSilhouettes(block, metric, tau, statistics, silhouettesOut);
    }

    /** On the device when the tile {@link EuclideanBlockWorkspace#fits fits}, else the SPI's float64 default. */
    @Override
    public void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        blockWorkspaces.ensureOpen();
        if (EuclideanBlockWorkspace.fits(rows, columns)) {
            blockWorkspaces.get().addSums(rows, columns, rowSums, columnSums);
        } else {
            BlockMath.addEuclideanSums(rows, columns, rowSums, columnSums);
        }
    }

    /** On the device when the tile {@link EuclideanBlockWorkspace#fits fits}, else the SPI's float64 default. */
    @Override
    public void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        blockWorkspaces.ensureOpen();
        if (EuclideanBlockWorkspace.fits(block)) {
            blockWorkspaces.get().addSumsWithin(block, sums);
        } else {
            BlockMath.addEuclideanSumsWithin(block, sums);
        }
    }

    /**
     * Closes every workspace (each waits for its stream, then frees), then releases the device, even when a
     * workspace failed to close (the first failure is thrown). Call it when no computation is in flight. Idempotent.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            workspaces.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            blockWorkspaces.close();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        try {
            classBlockWorkspaces.close();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        try {
            releaseDevice.run();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
