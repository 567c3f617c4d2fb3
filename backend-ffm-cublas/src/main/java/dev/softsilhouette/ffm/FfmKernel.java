package dev.softsilhouette.ffm;

/**
 * Every kernel the backend launches, with the source that defines it. Launches check their arguments against the
 * parameter kinds parsed from that source ({@code KernelSignature}, as the cuda backend does), so host and kernel
 * cannot drift apart silently.
 */
enum FfmKernel {
    GATHER_ROWS(Source.PREPARE, "ffm_gather_rows"),
    NORMALIZE_ROWS(Source.PREPARE, "ffm_normalize_rows"),
    ROW_TERMS(Source.PREPARE, "ffm_row_terms"),
    CLASS_MEANS(Source.PREPARE, "ffm_class_means"),
    CLASS_TERMS(Source.PREPARE, "ffm_class_terms"),
    CLASS_STAT_SUMS(Source.PREPARE, "ffm_class_stat_sums"),
    COEFFICIENT_CLASS_SUMS(Source.PREPARE, "ffm_coefficient_class_sums"),
    COEFFICIENT_OPERANDS(Source.PREPARE, "ffm_coefficient_operands"),
    SQUARED_EUCLIDEAN_GRADIENT(Source.PREPARE, "ffm_squared_euclidean_gradient"),
    COSINE_GRADIENT(Source.PREPARE, "ffm_cosine_gradient"),
    BLOCK_SEGMENT_SUMS(Source.EUCLIDEAN, "ffm_block_segment_sums"),
    REDUCE_SEGMENTS(Source.EUCLIDEAN, "ffm_reduce_segments"),
    DISTANCE_COEFFICIENTS(Source.EUCLIDEAN, "ffm_distance_coefficients"),
    COEFFICIENT_ROW_SUMS(Source.EUCLIDEAN, "ffm_coefficient_row_sums"),
    EUCLIDEAN_GRADIENT(Source.EUCLIDEAN, "ffm_euclidean_gradient"),
    /** Conditioning and the per-row silhouette step, shared with the cuda backend (same kernels, same source). */
    COLUMN_PARTIALS(Source.ROWS, "column_partials"),
    COLUMN_SPREAD(Source.ROWS, "column_spread"),
    ROW_SILHOUETTES(Source.ROWS, "row_silhouettes");

    /** The translation units: the backend's own two, and the cuda backend's per-row kernels. */
    enum Source {
        PREPARE("ffm_prepare.cu", true), EUCLIDEAN("ffm_euclidean.cu", true), ROWS("silhouette_rows.cu", false);

        final String fileName;
        /** Whether every kernel of the source is this backend's (a shared source also has kernels it does not use). */
        final boolean own;

        Source(String fileName, boolean own) {
            this.fileName = fileName;
            this.own = own;
        }
    }

    final Source source;
    final String symbol;

    FfmKernel(Source source, String symbol) {
        this.source = source;
        this.symbol = symbol;
    }
}
