package dev.softsilhouette.cuda.kernels;

import java.util.List;

/**
 * Every kernel source of this module. A backend compiles the ones it uses; the nvcc test compiles all of them.
 * Add a source here when adding a {@code .cu} file (the test fails on a {@code .cu} file that is not listed).
 */
public final class KernelCatalog {
    private KernelCatalog() {
    }

    /** All sources, each with the kernels that must not spill registers. */
    public static List<KernelSource> all() {
        return List.of(
                // ffm-cublas backend (the GEMMs are cuBLAS; these are the small kernels around them)
                new KernelSource("ffm_prepare.cu", List.of("ffm_gather_rows", "ffm_class_stat_sums",
                        "ffm_cosine_gradient")),
                new KernelSource("ffm_euclidean.cu", List.of("ffm_block_segment_sums", "ffm_reduce_segments",
                        "ffm_distance_coefficients", "ffm_coefficient_row_sums", "ffm_euclidean_gradient"))
        );
    }
}
