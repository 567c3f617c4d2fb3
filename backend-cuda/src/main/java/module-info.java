/**
 * The {@code cuda} backend: the GPU engine (module {@code dev.softsilhouette.cuda.kernels}: deterministic CUDA kernels
 * compiled at run time with NVRTC, and cuBLAS SGEMM where it loads) driven through the JavaCPP CUDA 13 bindings.
 */
module dev.softsilhouette.backend.cuda {
    requires transitive dev.softsilhouette.api; // its exported provider implements the SPI
    requires dev.softsilhouette.cuda.kernels;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.cuda;

    exports dev.softsilhouette.cuda;

    provides dev.softsilhouette.spi.BackendProvider with dev.softsilhouette.cuda.CudaBackendProvider;
}
