package dev.softsilhouette.cuda.engine.strategies;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.fused.FusedTiles;
import dev.softsilhouette.cuda.engine.fused.FusedWorkspace;
import dev.softsilhouette.cuda.engine.sgemm.SgemmStrategy;
import dev.softsilhouette.cuda.engine.sgemm.SgemmWorkspace;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.PreparedBatch;

import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * One thread's workspaces of the engine's two strategies, each made on the thread's first call that the
 * {@link StrategyChoice} gives to it (with a port, and so a stream, of its own; a thread that only ever runs the
 * fused tiles creates no cuBLAS handle). Used by its thread only; {@link #close()} closes both.
 */
public final class StrategyWorkspaces implements AutoCloseable {
    private final StrategyChoice choice;
    private final Supplier<FusedWorkspace> fusedFactory;
    private final Supplier<SgemmWorkspace> sgemmFactory;
    private final long gramBudget;
    private FusedWorkspace fused;
    private SgemmWorkspace sgemm;

    /**
     * @param sgemmFactory null where the binding has no SGEMM strategy (then {@code choice} never picks it)
     * @param gramBudget   bytes for the SGEMM strategy's EUCLIDEAN Gram blocks
     */
    StrategyWorkspaces(StrategyChoice choice, Supplier<FusedWorkspace> fusedFactory,
                       Supplier<SgemmWorkspace> sgemmFactory, long gramBudget) {
        this.choice = choice;
        this.fusedFactory = fusedFactory;
        this.sgemmFactory = sgemmFactory;
        this.gramBudget = gramBudget;
    }

    /** The call on the strategy {@link StrategyChoice#choose} gives it; arguments as the SPI's. */
    double run(PreparedBatch batch, Metric metric, double tau, double weight, MemorySegment rowWeights,
               MemorySegment silhouettesOut, MemorySegment gradientOut) {
        return switch (choice.choose(batch.rows(), batch.dims(), batch.classCount(), metric, gradientOut != null)) {
            case FUSED -> FusedTiles.run(fused(), batch, metric, tau, weight, rowWeights, silhouettesOut,
                    gradientOut);
            case SGEMM -> SgemmStrategy.run(sgemm(), gramBudget, batch, metric, tau, weight, rowWeights,
                    silhouettesOut, gradientOut);
        };
    }

    /**
     * The GPU-resident call on the strategy {@link StrategyChoice#choose} gives it (the same rule as a host call);
     * arguments as {@code DeviceResidentBackend.silhouettesAndGradientOnDevice}.
     */
    double runResident(DeviceBatch batch, Metric metric, double tau, double weight, MemorySegment silhouettesOut,
                       long gradientOut) {
        return switch (choice.choose(batch.rows(), batch.dims(), batch.classCount(), metric, gradientOut != 0L)) {
            case FUSED -> FusedTiles.runResident(fused(), batch, metric, tau, weight, silhouettesOut, gradientOut);
            case SGEMM -> SgemmStrategy.runResident(sgemm(), gramBudget, batch, metric, tau, weight, silhouettesOut,
                    gradientOut);
        };
    }

    private FusedWorkspace fused() {
        if (fused == null) {
            fused = fusedFactory.get();
        }
        return fused;
    }

    private SgemmWorkspace sgemm() {
        if (sgemm == null) {
            if (sgemmFactory == null) {
                throw new IllegalStateException("the SGEMM strategy was chosen on a binding without it");
            }
            sgemm = sgemmFactory.get();
        }
        return sgemm;
    }

    /** Closes the workspaces made (each waits for its stream, frees, closes its port); the first failure is thrown. */
    @Override
    public void close() {
        FusedWorkspace f = fused;
        SgemmWorkspace g = sgemm;
        fused = null;
        sgemm = null;
        CleanupFailures.runAll(() -> {
            if (f != null) {
                f.close();
            }
        }, () -> {
            if (g != null) {
                g.close();
            }
        });
    }
}
