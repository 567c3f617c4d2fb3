package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.strategies.EngineBackend;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice;
import dev.softsilhouette.spi.SilhouetteBackend;

/**
 * The {@code ffm-cublas} backend, assembled: the engine's backend ({@link EngineBackend}: both strategies, chosen per
 * call by {@link StrategyChoice}) on this module's {@code java.lang.foreign} ports, a plain stream
 * ({@link FfmStreamPort}: the fused tiles and the block decomposition) and a stream with a cuBLAS handle bound to it
 * ({@link FfmCublasPort}: the SGEMM strategy), each workspace on a port of its own.
 */
final class FfmCublasBackend {
    private FfmCublasBackend() {
    }

    /**
     * A backend on {@code session}, EUCLIDEAN Gram blocks within {@code gramBudget} bytes; {@code release} runs when
     * it is closed (the session's close for the backend a provider hands out; nothing for a probe's self-check).
     */
    static SilhouetteBackend on(CudaSession session, long gramBudget, StrategyChoice choice, Runnable release) {
        return EngineBackend.create(FfmCublasBackendProvider.NAME, choice, gramBudget,
                () -> new FfmStreamPort(session), () -> new FfmCublasPort(session), release);
    }
}
