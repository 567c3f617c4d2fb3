/**
 * CUDA C kernel sources shared by the GPU backends (compiled at run time with NVRTC), and what both bindings share
 * above the driver (package {@code dev.softsilhouette.cuda.engine}).
 */
module dev.softsilhouette.cuda.kernels {
    requires transitive dev.softsilhouette.api; // the engine speaks the SPI's types (Metric)
    exports dev.softsilhouette.cuda.kernels;
    exports dev.softsilhouette.cuda.engine;
    opens dev.softsilhouette.cuda.kernels; // the .cu resources live in this package

    uses dev.softsilhouette.spi.BackendProvider; // the probes' self-check finds the reference backend
}
