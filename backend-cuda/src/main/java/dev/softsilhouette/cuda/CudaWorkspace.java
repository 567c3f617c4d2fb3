package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.DeviceWorkspace;
import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.plan.EuclideanTilePlan;

/**
 * One thread's workspace: the engine's {@link DeviceWorkspace} on a port ({@link CudaStreamPort} on a GPU, a test
 * double without one), and the last EUCLIDEAN tile plan, reused while the class layout stays the same.
 */
final class CudaWorkspace extends DeviceWorkspace {
    private EuclideanTilePlan plan;

    CudaWorkspace(DevicePort port, KernelSignatures signatures) {
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
