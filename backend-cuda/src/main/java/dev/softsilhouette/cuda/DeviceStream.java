package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.plan.EuclideanTilePlan;

import java.lang.foreign.MemorySegment;

/**
 * What the backend's call sequence needs from a workspace: memory, copies, kernel launches and a final
 * synchronisation, all on one stream. {@link CudaWorkspace} is the CUDA one; tests replay the sequence on a
 * recording implementation (no GPU) to check every launch against the kernels' signatures and every address
 * against the workspace.
 */
interface DeviceStream extends KernelArguments.Target {
    /** Ensures at least these many device and pinned host bytes. */
    void reserve(long deviceBytes, long hostBytes);

    /** The device address {@code offset} bytes into the device allocation. */
    long device(long offset);

    /** The pinned host allocation. */
    MemorySegment host();

    void upload(long deviceOffset, long hostOffset, long bytes);

    void download(long hostOffset, long deviceOffset, long bytes);

    void zero(long deviceOffset, long bytes);

    /** Waits for everything queued; a failure of any of it is thrown here. */
    void synchronize();

    /**
     * Starts a kernel's argument list; its {@link KernelArguments#launch} checks them against the kernel's signature
     * and hands them to {@link #launch(String, int, int, int, int, KernelArguments)}.
     */
    KernelArguments args();

    /** The EUCLIDEAN plan kept from the previous call, or null. */
    EuclideanTilePlan cachedPlan();

    void cachePlan(EuclideanTilePlan plan);
}
