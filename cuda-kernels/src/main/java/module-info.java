/**
 * CUDA C kernel sources shared by the GPU backends (compiled at run time with NVRTC), and the GPU engine both
 * backends bind: the device port and what runs above it (package {@code dev.softsilhouette.cuda.engine}), and the
 * fused-kernel strategy (package {@code dev.softsilhouette.cuda.engine.fused}), the SGEMM strategy (package
 * {@code dev.softsilhouette.cuda.engine.sgemm}), the choice between them and the backend both bindings assemble
 * (package {@code dev.softsilhouette.cuda.engine.strategies}) and the block decomposition (package
 * {@code dev.softsilhouette.cuda.engine.blocks}).
 */
module dev.softsilhouette.cuda.kernels {
    requires transitive dev.softsilhouette.api; // the engine speaks the SPI's types (Metric, PreparedBatch)

    exports dev.softsilhouette.cuda.kernels;
    exports dev.softsilhouette.cuda.engine;
    exports dev.softsilhouette.cuda.engine.fused;
    exports dev.softsilhouette.cuda.engine.sgemm;
    exports dev.softsilhouette.cuda.engine.blocks;
    exports dev.softsilhouette.cuda.engine.strategies;
    opens dev.softsilhouette.cuda.kernels; // the .cu resources live in this package

    uses dev.softsilhouette.spi.BackendProvider; // the probes' self-check finds the reference backend
}
