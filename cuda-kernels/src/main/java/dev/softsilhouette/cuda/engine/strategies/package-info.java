/**
 * The engine's two strategies put together, one home for both bindings: which one runs a call
 * ({@link dev.softsilhouette.cuda.engine.strategies.StrategyChoice}, by shape or forced with
 * {@code silhouette.cuda.strategy}), one thread's workspaces of both
 * ({@link dev.softsilhouette.cuda.engine.strategies.StrategyWorkspaces}), and the backend a binding assembles from
 * its ports, with the probe's self-check of each strategy
 * ({@link dev.softsilhouette.cuda.engine.strategies.EngineBackend}).
 */
package dev.softsilhouette.cuda.engine.strategies;
