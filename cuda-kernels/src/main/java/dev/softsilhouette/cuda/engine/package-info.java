/**
 * The GPU engine: the device port each binding implements ({@link dev.softsilhouette.cuda.engine.DevicePort}: JavaCPP
 * in {@code backend-cuda}; {@code java.lang.foreign} in {@code backend-ffm-cublas}; both also as an
 * {@link dev.softsilhouette.cuda.engine.SgemmPort} with cuBLAS), every kernel it loads
 * ({@link dev.softsilhouette.cuda.engine.EngineKernels}), the workspace and kernel
 * launches above it ({@link dev.softsilhouette.cuda.engine.DeviceWorkspace},
 * {@link dev.softsilhouette.cuda.engine.KernelArguments}, {@link dev.softsilhouette.cuda.engine.KernelSignatures}),
 * the one-class shortcut ({@link dev.softsilhouette.cuda.engine.OneClassBatch}), clean-up after a failure
 * ({@link dev.softsilhouette.cuda.engine.CleanupFailures}), and what both bindings share above
 * the driver: which device ({@link dev.softsilhouette.cuda.engine.DeviceOrdinal}),
 * the NVRTC program key and options and the compiled-image cache with its compile-and-load path
 * ({@link dev.softsilhouette.cuda.engine.NvrtcProgramKey}, {@link dev.softsilhouette.cuda.engine.KernelImageCache}),
 * the status-code names ({@link dev.softsilhouette.cuda.engine.CudaStatus}) and the conditioning scale
 * ({@link dev.softsilhouette.cuda.engine.PowerOfTwoScale}, {@link dev.softsilhouette.cuda.engine.ColumnStatistics}).
 */
package dev.softsilhouette.cuda.engine;
