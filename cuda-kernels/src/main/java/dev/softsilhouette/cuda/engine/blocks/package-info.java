/**
 * The block decomposition of SPEC section 12 on the device: the EUCLIDEAN tile sums
 * ({@link dev.softsilhouette.cuda.engine.blocks.EuclideanBlockWorkspace}) and the SQUARED_EUCLIDEAN / COSINE
 * per-row silhouettes from merged class statistics
 * ({@link dev.softsilhouette.cuda.engine.blocks.ClassBlockWorkspace}), run by
 * {@link dev.softsilhouette.cuda.engine.StrategyBackend} for both bindings on a {@link
 * dev.softsilhouette.cuda.engine.DevicePort}.
 */
package dev.softsilhouette.cuda.engine.blocks;
