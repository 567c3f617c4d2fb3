/**
 * The block decomposition of SPEC section 12 on the device: the EUCLIDEAN tile sums
 * ({@link dev.softsilhouette.cuda.engine.blocks.EuclideanBlockWorkspace}), run by
 * {@link dev.softsilhouette.cuda.engine.StrategyBackend} for both bindings on a {@link
 * dev.softsilhouette.cuda.engine.DevicePort}.
 */
package dev.softsilhouette.cuda.engine.blocks;
