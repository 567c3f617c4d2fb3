package dev.softsilhouette.ffm;

/**
 * Every kernel the backend launches, with the source that defines it and its parameter kinds
 * ({@code P} pointer, {@code i} int, {@code d} double), in order. Launches check their arguments against this, and a
 * test checks it against the {@code .cu} sources, so host and kernel cannot drift apart silently.
 */
enum FfmKernel {
    COLUMN_MEANS(Source.PREPARE, "ffm_column_means", "PiiP"),
    GATHER_ROWS(Source.PREPARE, "ffm_gather_rows", "PPPPdiiP"),
    NORMALIZE_ROWS(Source.PREPARE, "ffm_normalize_rows", "PiidPP"),
    ROW_TERMS(Source.PREPARE, "ffm_row_terms", "PPPiiPP"),
    CLASS_MEANS(Source.PREPARE, "ffm_class_means", "PPiiPP"),
    CLASS_TERMS(Source.PREPARE, "ffm_class_terms", "PPPPiiPPP"),
    CLASS_STAT_SUMS(Source.PREPARE, "ffm_class_stat_sums", "PPPPPPPPPiiiP"),
    SQUARED_EUCLIDEAN_GRADIENT(Source.PREPARE, "ffm_squared_euclidean_gradient", "PPPPPPiidP"),
    COSINE_GRADIENT(Source.PREPARE, "ffm_cosine_gradient", "PPPPPPPPPiiP"),
    BLOCK_SEGMENT_SUMS(Source.EUCLIDEAN, "ffm_block_segment_sums", "PiiiiPiPPPiP"),
    REDUCE_SEGMENTS(Source.EUCLIDEAN, "ffm_reduce_segments", "PiiPiiiiP"),
    DISTANCE_COEFFICIENTS(Source.EUCLIDEAN, "ffm_distance_coefficients", "PiiiiPiPPPi"),
    COEFFICIENT_ROW_SUMS(Source.EUCLIDEAN, "ffm_coefficient_row_sums", "PiiiP"),
    EUCLIDEAN_GRADIENT(Source.EUCLIDEAN, "ffm_euclidean_gradient", "PPPPiidP");

    /** The two translation units. */
    enum Source {
        PREPARE("ffm_prepare.cu"), EUCLIDEAN("ffm_euclidean.cu");

        final String fileName;

        Source(String fileName) {
            this.fileName = fileName;
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
