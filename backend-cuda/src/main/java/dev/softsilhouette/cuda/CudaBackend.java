package dev.softsilhouette.cuda;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.OneClassBatch;
import dev.softsilhouette.cuda.engine.ThreadWorkspaces;
import dev.softsilhouette.cuda.engine.fused.FusedTiles;
import dev.softsilhouette.cuda.engine.fused.FusedWorkspace;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;

/**
 * The {@code cuda} backend: the engine's fused-tile strategy ({@link FusedTiles}) on this module's JavaCPP port
 * ({@link CudaStreamPort}), one workspace per calling thread, the device held through a lease until {@link #close()}.
 * A batch with one class is answered without device work.
 */
final class CudaBackend implements SilhouetteBackend {
    private final DeviceLeases<CudaDevice>.Lease lease;
    private final CudaDevice device;
    private final ThreadWorkspaces<FusedWorkspace> workspaces;

    /** Holds {@code lease} until {@link #close()}: the device's context and modules live as long as a backend. */
    CudaBackend(DeviceLeases<CudaDevice>.Lease lease) {
        this.lease = lease;
        this.device = lease.device();
        this.workspaces = new ThreadWorkspaces<>(CudaBackendProvider.NAME,
                () -> new FusedWorkspace(new CudaStreamPort(device), device.signatures()));
    }

    @Override
    public String name() {
        return CudaBackendProvider.NAME;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
                           MemorySegment silhouettesOut, MemorySegment gradientOut) {
        workspaces.ensureOpen();
        if (OneClassBatch.applies(batch.classCount())) {
            return OneClassBatch.answer(batch.rows(), batch.dims(), silhouettesOut, gradientOut); // no device work
        }
        FusedWorkspace w = workspaces.get();
        device.makeCurrent();
        return FusedTiles.run(w, batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut);
    }

    /**
     * Frees every workspace (each waits for its stream first), then gives back the lease on the device: the last
     * backend on a device unloads the modules and releases the primary context. Idempotent.
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
            lease.close();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
