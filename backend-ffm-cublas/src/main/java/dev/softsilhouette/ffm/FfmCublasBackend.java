package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.cuda.engine.sgemm.SgemmStrategy;
import dev.softsilhouette.cuda.engine.sgemm.SgemmWorkspace;
import dev.softsilhouette.spi.SilhouetteBackend;

/**
 * The {@code ffm-cublas} backend, assembled: the engine's SGEMM strategy ({@link SgemmStrategy}) on this module's
 * {@code java.lang.foreign} port ({@link FfmCublasPort}: a stream and its cuBLAS handle), a workspace per calling
 * thread (and a plain stream port of its own, {@link FfmStreamPort}, without a cuBLAS handle, for the block
 * decomposition's EUCLIDEAN tiles), the session (context, modules) held until the backend is closed.
 */
final class FfmCublasBackend {
    private FfmCublasBackend() {
    }

    /** A backend on {@code session}, which it closes when it is closed; EUCLIDEAN Gram blocks within the budget. */
    static SilhouetteBackend on(CudaSession session, long gramBudget) {
        return new StrategyBackend<SgemmWorkspace>(FfmCublasBackendProvider.NAME,
                () -> new SgemmWorkspace(new FfmCublasPort(session)),
                (w, batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut) -> SgemmStrategy.run(w,
                        gramBudget, batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut),
                () -> new FfmStreamPort(session), session::close);
    }
}
