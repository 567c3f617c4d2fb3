package dev.softsilhouette.ffm;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.OneClassBatch;
import dev.softsilhouette.cuda.engine.ThreadWorkspaces;
import dev.softsilhouette.cuda.engine.sgemm.SgemmStrategy;
import dev.softsilhouette.cuda.engine.sgemm.SgemmWorkspace;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;

/**
 * The {@code ffm-cublas} backend: the engine's SGEMM strategy ({@link SgemmStrategy}) on this module's
 * {@code java.lang.foreign} port ({@link FfmStreamPort}: a stream and its cuBLAS handle), one workspace per calling
 * thread, the session (context, modules) held until {@link #close()}. A batch with one class is answered without
 * device work.
 */
final class FfmCublasBackend implements SilhouetteBackend {
    private final CudaSession session;
    private final long gramBudget;
    private final ThreadWorkspaces<SgemmWorkspace> workspaces;

    FfmCublasBackend(CudaSession session, long gramBudget) {
        this.session = session;
        this.gramBudget = gramBudget;
        this.workspaces = new ThreadWorkspaces<>(FfmCublasBackendProvider.NAME,
                () -> new SgemmWorkspace(new FfmStreamPort(session)));
    }

    @Override
    public String name() {
        return FfmCublasBackendProvider.NAME;
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                         MemorySegment rowWeights, MemorySegment silhouettesOut,
                                         MemorySegment gradientOut) {
        workspaces.ensureOpen();
        if (OneClassBatch.applies(batch.classCount())) {
            return OneClassBatch.answer(batch.rows(), batch.dims(), silhouettesOut, gradientOut); // no device work
        }
        return SgemmStrategy.run(workspaces.get(), gramBudget, batch, metric, tau, weight, rowWeights, silhouettesOut,
                gradientOut);
    }

    /** Frees every workspace (each waits for its stream first), then the session. Idempotent. */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            workspaces.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            session.close(); // idempotent
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
