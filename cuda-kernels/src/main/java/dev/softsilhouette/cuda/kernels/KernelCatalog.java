package dev.softsilhouette.cuda.kernels;

import java.util.List;

/**
 * Every kernel source of this module. A backend compiles the ones it uses; the nvcc test compiles all of them.
 * Add a source here when adding a {@code .cu} file (the test fails on a {@code .cu} file that is not listed).
 */
public final class KernelCatalog {
    private KernelCatalog() {
    }

    /**
     * Conditioning (column means and spreads), row preparation (gather, centre, scale or normalise), per-row
     * silhouette math, gradient scatter, and the finiteness check of GPU-resident embeddings.
     */
    public static final KernelSource SILHOUETTE_ROWS = new KernelSource("silhouette_rows.cu",
            List.of("row_norms", "column_partials", "column_spread", "prepare_rows", "row_silhouettes",
                    "scatter_gradient", "find_non_finite"));
    /** SQUARED_EUCLIDEAN and COSINE through per-class statistics (SPEC 6). */
    public static final KernelSource CLASS_STATISTICS = new KernelSource("class_statistics.cu",
            List.of("class_sums", "gemm_rows_classes", "gemm_coef_rows", "gemm_coef_classes",
                    "class_distance_sums", "coef_column_sums", "class_gradient_rows"));
    /** EUCLIDEAN: fused Gram tiles, forward (symmetric tile pairs) and backward (row tiles by column splits). */
    public static final KernelSource EUCLIDEAN_FUSED = new KernelSource("euclidean_fused.cu",
            List.of("euclidean_forward_tiles", "euclidean_segment_sums", "euclidean_backward_rows"));
    /**
     * EUCLIDEAN tiles of the block decomposition (SPEC section 12): direct float distances between class segments
     * of two blocks, per-row per-class sums in double.
     */
    public static final KernelSource EUCLIDEAN_BLOCKS = new KernelSource("euclidean_blocks.cu",
            List.of("euclidean_block_tiles", "euclidean_block_class_sums"));
    /**
     * SQUARED_EUCLIDEAN and COSINE rows of the block decomposition (SPEC section 12): s_i of each row from the merged
     * class statistics, in double.
     */
    public static final KernelSource CLASS_BLOCKS = new KernelSource("class_blocks.cu",
            List.of("class_block_silhouettes"));
    /** Headers the sources include, by the name they include them with (NVRTC needs them passed explicitly). */
    public static final List<String> HEADERS = List.of("common.cuh");

    /** All sources, each with the kernels that must not spill registers. */
    public static List<KernelSource> all() {
        return List.of(
                SILHOUETTE_ROWS,
                CLASS_STATISTICS,
                EUCLIDEAN_FUSED,
                EUCLIDEAN_BLOCKS,
                CLASS_BLOCKS,
                // ffm-cublas backend (the GEMMs are cuBLAS; these are the small kernels around them)
                new KernelSource("ffm_prepare.cu", List.of("ffm_gather_rows", "ffm_class_stat_sums",
                        "ffm_cosine_gradient")),
                new KernelSource("ffm_euclidean.cu", List.of("ffm_block_segment_sums", "ffm_reduce_segments",
                        "ffm_distance_coefficients", "ffm_coefficient_row_sums", "ffm_euclidean_gradient"))
        );
    }
}
