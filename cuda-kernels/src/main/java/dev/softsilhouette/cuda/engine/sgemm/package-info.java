/**
 * The engine's SGEMM strategy ({@link dev.softsilhouette.cuda.engine.sgemm.SgemmStrategy}): Gram blocks and class
 * statistics as single-precision GEMMs with small kernels around them, on any
 * {@link dev.softsilhouette.cuda.engine.SgemmPort}; its planning ({@link
 * dev.softsilhouette.cuda.engine.sgemm.GramChunkPlan}, {@link dev.softsilhouette.cuda.engine.sgemm.SegmentPlan}),
 * kernels ({@link dev.softsilhouette.cuda.engine.sgemm.SgemmKernel}) and per-thread workspace
 * ({@link dev.softsilhouette.cuda.engine.sgemm.SgemmWorkspace}). The {@code ffm-cublas} backend runs it on its
 * {@code java.lang.foreign} port.
 */
package dev.softsilhouette.cuda.engine.sgemm;
