/**
 * What both GPU bindings share above the driver: which device ({@link dev.softsilhouette.cuda.engine.DeviceOrdinal}),
 * the NVRTC program key and options and the compiled-image cache with its compile-and-load path
 * ({@link dev.softsilhouette.cuda.engine.NvrtcProgramKey}, {@link dev.softsilhouette.cuda.engine.KernelImageCache}),
 * the status-code names ({@link dev.softsilhouette.cuda.engine.CudaStatus}) and the conditioning scale
 * ({@link dev.softsilhouette.cuda.engine.PowerOfTwoScale}, {@link dev.softsilhouette.cuda.engine.ColumnStatistics}).
 */
package dev.softsilhouette.cuda.engine;
