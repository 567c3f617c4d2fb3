/**
 * The engine's fused-kernel strategy ({@link dev.softsilhouette.cuda.engine.fused.FusedTiles}): every step on the
 * device with this module's own kernels, no GEMM library, on any
 * {@link dev.softsilhouette.cuda.engine.DevicePort}; its host planning ({@link
 * dev.softsilhouette.cuda.engine.fused.WorkspaceLayout}, {@link dev.softsilhouette.cuda.engine.fused.EuclideanTilePlan},
 * {@link dev.softsilhouette.cuda.engine.fused.LaunchGeometry}) and per-thread workspace
 * ({@link dev.softsilhouette.cuda.engine.fused.FusedWorkspace}). The {@code cuda} backend runs it on its JavaCPP port.
 */
package dev.softsilhouette.cuda.engine.fused;
