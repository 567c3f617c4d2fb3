package dev.softsilhouette.cuda.engine.strategies;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.EngineKernels;
import dev.softsilhouette.cuda.engine.ReferenceSelfCheck;
import dev.softsilhouette.cuda.engine.SgemmPort;
import dev.softsilhouette.cuda.engine.StrategyBackend;
import dev.softsilhouette.cuda.engine.fused.FusedWorkspace;
import dev.softsilhouette.cuda.engine.sgemm.SgemmWorkspace;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A GPU backend as both bindings assemble it: the engine's {@link StrategyBackend} whose calls run the strategy the
 * {@link StrategyChoice} picks, on the calling thread's {@link StrategyWorkspaces}, GPU-resident calls
 * ({@link dev.softsilhouette.spi.DeviceResidentBackend}) included. A binding supplies its ports,
 * nothing else: a plain stream port (the fused tiles' workspaces and the block decomposition's) and, where it can
 * multiply with cuBLAS, an SGEMM port (the SGEMM strategy's workspaces).
 */
public final class EngineBackend {
    private EngineBackend() {
    }

    /**
     * @param name          the provider name
     * @param choice        which strategy runs a call (its SGEMM side only where {@code sgemmPort} is given)
     * @param gramBudget    bytes for the SGEMM strategy's EUCLIDEAN Gram blocks
     *                      ({@link dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan})
     * @param streamPort    makes a port (a stream) on the calling thread; each workspace owns and closes its own
     * @param sgemmPort     makes an SGEMM port on the calling thread, or null where the binding has none
     * @param releaseDevice gives back the device when the backend closes (idempotent)
     */
    public static SilhouetteBackend create(String name, StrategyChoice choice, long gramBudget,
                                           Supplier<? extends DevicePort> streamPort,
                                           Supplier<? extends SgemmPort> sgemmPort, Runnable releaseDevice) {
        Supplier<FusedWorkspace> fused = () -> new FusedWorkspace(streamPort.get(), EngineKernels.SIGNATURES);
        Supplier<SgemmWorkspace> sgemm = sgemmPort == null ? null : () -> new SgemmWorkspace(sgemmPort.get());
        return new StrategyBackend<>(name, () -> new StrategyWorkspaces(choice, fused, sgemm, gramBudget),
                StrategyWorkspaces::run, StrategyWorkspaces::runResident, streamPort, releaseDevice);
    }

    /**
     * The probes' last step: the engine's {@link ReferenceSelfCheck} on a backend forced to each strategy
     * {@code choice} can pick ({@link StrategyChoice#strategies()}), each opened by {@code open} and closed again.
     *
     * @throws IllegalStateException naming the strategy and the miss (or the device failure, its cause)
     */
    public static void selfCheck(StrategyChoice choice, Function<StrategyChoice, SilhouetteBackend> open) {
        for (StrategyChoice.Strategy strategy : choice.strategies()) {
            try (SilhouetteBackend backend = open.apply(choice.forcedTo(strategy))) {
                ReferenceSelfCheck.run(backend);
            } catch (RuntimeException e) {
                throw new IllegalStateException("strategy " + strategy.value() + ": " + e.getMessage(), e);
            }
        }
    }
}
