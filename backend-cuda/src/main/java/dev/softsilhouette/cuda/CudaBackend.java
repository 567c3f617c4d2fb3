package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.cuda.engine.fused.FusedTiles;
import dev.softsilhouette.cuda.engine.fused.FusedWorkspace;
import dev.softsilhouette.spi.SilhouetteBackend;

/**
 * The {@code cuda} backend, assembled: the engine's fused-kernel strategy ({@link FusedTiles}) on this module's
 * JavaCPP port ({@link CudaStreamPort}), a workspace per calling thread (and a port of its own for the block
 * decomposition's EUCLIDEAN tiles), the device held through a lease until the
 * backend is closed (the last lease on a device unloads the modules and releases the primary context).
 */
final class CudaBackend {
    private CudaBackend() {
    }

    /** A backend holding {@code lease} until it is closed. */
    static SilhouetteBackend on(DeviceLeases<CudaDevice>.Lease lease) {
        CudaDevice device = lease.device();
        return new StrategyBackend<>(CudaBackendProvider.NAME,
                () -> new FusedWorkspace(new CudaStreamPort(device), device.signatures()), FusedTiles::run,
                () -> new CudaStreamPort(device), lease::close);
    }
}
