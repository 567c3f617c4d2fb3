package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.blocks.EuclideanBlockWorkspace;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * A GPU backend as the engine runs it, whatever the binding: a batch with one class answered without device work
 * ({@link OneClassBatch}), otherwise the strategy on the calling thread's workspace ({@link ThreadWorkspaces}, each on
 * the binding's port). The EUCLIDEAN tiles of the block decomposition run on the device too
 * ({@link EuclideanBlockWorkspace}, one per calling thread on a port of its own), except a tile too large for it,
 * which takes the SPI's plain float64 default. The class statistics (O(rows * D): no more work than uploading
 * the block) and the per-row silhouettes of the block decomposition keep the SPI's defaults.
 * {@link #close()} closes the workspaces, then gives back what holds the device (a lease, a session).
 *
 * @param <W> the strategy's workspace
 */
public final class StrategyBackend<W extends AutoCloseable> implements SilhouetteBackend {

    /** One call of a strategy on a thread's workspace, with the SPI's arguments. */
    @FunctionalInterface
    public interface Strategy<W> {
        double run(W workspace, PreparedBatch batch, Metric metric, double tau, double weight,
                   MemorySegment rowWeights, MemorySegment silhouettesOut, MemorySegment gradientOut);
    }

    private final String name;
    private final ThreadWorkspaces<W> workspaces;
    private final Strategy<W> strategy;
    private final ThreadWorkspaces<EuclideanBlockWorkspace> blockWorkspaces;
    private final Runnable releaseDevice;

    /**
     * @param name          the provider name
     * @param workspace     makes a workspace (and its port) on the calling thread
     * @param strategy      what a call runs
     * @param blockPort     makes a port for the calling thread's EUCLIDEAN block workspace, which owns it
     * @param releaseDevice gives back the device when the backend closes (idempotent)
     */
    public StrategyBackend(String name, Supplier<W> workspace, Strategy<W> strategy,
                           Supplier<? extends DevicePort> blockPort, Runnable releaseDevice) {
        this.name = name;
        this.workspaces = new ThreadWorkspaces<>(name, workspace);
        this.strategy = strategy;
        this.blockWorkspaces = new ThreadWorkspaces<>(name, () -> new EuclideanBlockWorkspace(blockPort.get()));
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

    /** On the device when the tile {@link EuclideanBlockWorkspace#fits fits}, else the SPI's float64 default. */
    @Override
    public void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        blockWorkspaces.ensureOpen();
        if (EuclideanBlockWorkspace.fits(rows, columns)) {
            blockWorkspaces.get().addSums(rows, columns, rowSums, columnSums);
        } else {
            SilhouetteBackend.super.addEuclideanSums(rows, columns, rowSums, columnSums);
        }
    }

    /** On the device when the tile {@link EuclideanBlockWorkspace#fits fits}, else the SPI's float64 default. */
    @Override
    public void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        blockWorkspaces.ensureOpen();
        if (EuclideanBlockWorkspace.fits(block)) {
            blockWorkspaces.get().addSumsWithin(block, sums);
        } else {
            SilhouetteBackend.super.addEuclideanSumsWithin(block, sums);
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
            releaseDevice.run();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
