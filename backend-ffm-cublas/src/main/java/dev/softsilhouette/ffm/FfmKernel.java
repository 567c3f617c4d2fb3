package dev.softsilhouette.ffm;

/**
 * Every kernel the backend launches, with the source that defines it and its parameter kinds
 * ({@code P} pointer, {@code i} int, {@code d} double), in order. Launches check their arguments against this, and a
 * test checks it against the {@code .cu} sources, so host and kernel cannot drift apart silently.
 */
enum FfmKernel {
    GATHER_ROWS(Source.PREPARE, "ffm_gather_rows", "PPPPdiiP"),
    NORMALIZE_ROWS(Source.PREPARE, "ffm_normalize_rows", "PiidPP"),
    ROW_TERMS(Source.PREPARE, "ffm_row_terms", "PPPiiPP"),
    CLASS_MEANS(Source.PREPARE, "ffm_class_means", "PPiiPP"),
    CLASS_TERMS(Source.PREPARE, "ffm_class_terms", "PPPPiiPPP"),
    CLASS_STAT_SUMS(Source.PREPARE, "ffm_class_stat_sums", "PPPPPPPPPiiiP"),
    COEFFICIENT_CLASS_SUMS(Source.PREPARE, "ffm_coefficient_class_sums", "PiiP"),
    COEFFICIENT_OPERANDS(Source.PREPARE, "ffm_coefficient_operands", "PPPPiiPPPP"),
    SQUARED_EUCLIDEAN_GRADIENT(Source.PREPARE, "ffm_squared_euclidean_gradient", "PPPPPPiidP"),
    COSINE_GRADIENT(Source.PREPARE, "ffm_cosine_gradient", "PPPPPPPPPiiP"),
    BLOCK_SEGMENT_SUMS(Source.EUCLIDEAN, "ffm_block_segment_sums", "PiiiiPiPPPiP"),
    REDUCE_SEGMENTS(Source.EUCLIDEAN, "ffm_reduce_segments", "PiiPiiiiP"),
    DISTANCE_COEFFICIENTS(Source.EUCLIDEAN, "ffm_distance_coefficients", "PiiiiPiPPPi"),
    COEFFICIENT_ROW_SUMS(Source.EUCLIDEAN, "ffm_coefficient_row_sums", "PiiiP"),
    EUCLIDEAN_GRADIENT(Source.EUCLIDEAN, "ffm_euclidean_gradient", "PPPPiidP"),
    /** Conditioning and the per-row silhouette step, shared with the cuda backend (same kernels, same source). */
    COLUMN_PARTIALS(Source.ROWS, "column_partials", "PPiiiP"),
    COLUMN_SPREAD(Source.ROWS, "column_spread", "PiiiPP"),
    ROW_SILHOUETTES(Source.ROWS, "row_silhouettes", "PPPPPiddiiiP");

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
    final String parameterKinds;

    FfmKernel(Source source, String symbol, String parameterKinds) {
        this.source = source;
        this.symbol = symbol;
        this.parameterKinds = parameterKinds;
    }
}
