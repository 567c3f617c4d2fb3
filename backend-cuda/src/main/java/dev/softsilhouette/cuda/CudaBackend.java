package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.strategies.EngineBackend;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.util.function.Function;

/**
 * The {@code cuda} backend, assembled: the engine's backend ({@link EngineBackend}: both strategies, chosen per call
 * by {@link StrategyChoice}) on this module's JavaCPP ports, a plain stream ({@link CudaStreamPort}: the fused tiles
 * and the block decomposition) and, where cuBLAS can be loaded, a stream with a cuBLAS handle
 * ({@link CudaCublasPort}: the SGEMM strategy), each workspace on a port of its own; the device held through a lease
 * until the backend is closed (the last lease on a device unloads the modules and releases the primary context).
 */
final class CudaBackend {
    private CudaBackend() {
    }

    /**
     * A backend holding {@code lease} until it is closed, EUCLIDEAN Gram blocks within {@code gramBudget} bytes; the
     * SGEMM strategy's port only where cuBLAS is loaded ({@code choice} never picks it otherwise).
     */
    static SilhouetteBackend on(DeviceLeases<CudaDevice>.Lease lease, StrategyChoice choice, long gramBudget) {
        return on(lease, choice, gramBudget, CudaStreamPort::new,
                CudaCublasPort.unavailableReason() == null ? CudaCublasPort::new : null);
    }

    /** The same with the ports made by {@code streams} and {@code sgemm} (null: no SGEMM strategy). */
    static SilhouetteBackend on(DeviceLeases<CudaDevice>.Lease lease, StrategyChoice choice, long gramBudget,
                                Function<CudaDevice, ? extends DevicePort> streams,
                                Function<CudaDevice, ? extends SgemmPort> sgemm) {
        CudaDevice device = lease.device();
        return EngineBackend.create(CudaBackendProvider.NAME, choice, gramBudget, () -> streams.apply(device),
                sgemm == null ? null : () -> sgemm.apply(device), lease::close);
    }
}
