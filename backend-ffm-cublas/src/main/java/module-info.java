/**
 * The {@code ffm-cublas} backend: cuBLAS, the CUDA driver API and NVRTC bound with {@code java.lang.foreign}.
 * Needs {@code --enable-native-access=dev.softsilhouette.ffm.cublas} (or {@code ALL-UNNAMED} on the class path).
 */
module dev.softsilhouette.ffm.cublas {
    requires dev.softsilhouette.api;
    requires dev.softsilhouette.cuda.kernels;

    provides dev.softsilhouette.spi.BackendProvider
            with dev.softsilhouette.ffm.FfmCublasBackendProvider;
}
