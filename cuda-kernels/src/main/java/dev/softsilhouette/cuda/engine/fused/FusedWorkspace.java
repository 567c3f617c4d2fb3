package dev.softsilhouette.cuda.engine.fused;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.DeviceWorkspace;
import dev.softsilhouette.cuda.engine.KernelSignatures;

/**
 * One thread's workspace for {@link FusedTiles}: the engine's {@link DeviceWorkspace} on a binding's port (or a test
 * double without a GPU), and the last EUCLIDEAN tile plan, reused while the class layout stays the same.
 */
public final class FusedWorkspace extends DeviceWorkspace {
    private EuclideanTilePlan plan;

    /** Launches are checked against {@code signatures}; {@link #close()} closes {@code port} too. */
    public FusedWorkspace(DevicePort port, KernelSignatures signatures) {
        super(port, signatures);
    }

    /** The EUCLIDEAN plan kept from the previous call, or null. */
    EuclideanTilePlan cachedPlan() {
        return plan;
    }

    void cachePlan(EuclideanTilePlan plan) {
        this.plan = plan;
    }
}
