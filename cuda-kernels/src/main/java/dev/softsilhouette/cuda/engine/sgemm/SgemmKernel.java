package dev.softsilhouette.cuda.engine.sgemm;

import dev.softsilhouette.cuda.engine.KernelSignatures;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;

/**
 * Every kernel {@link SgemmStrategy} launches, with the source that defines it: what a binding compiles and loads for
 * it. Launches check their arguments against the parameter kinds parsed from those sources ({@link #SIGNATURES}),
 * so host and kernel cannot drift apart silently.
 */
public enum SgemmKernel {
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
    ROW_SILHOUETTES(Source.ROWS, "row_silhouettes"),
    /** The finiteness check of GPU-resident embeddings ({@code ResidentEmbeddings}), shared likewise. */
    FIND_NON_FINITE(Source.ROWS, "find_non_finite");

    /** The translation units: the strategy's own two, and the shared per-row and conditioning kernels. */
    public enum Source {
        PREPARE("ffm_prepare.cu", true), EUCLIDEAN("ffm_euclidean.cu", true), ROWS("silhouette_rows.cu", false);

        public final String fileName;
        /** Whether every kernel of the source is this strategy's (a shared source also has kernels it does not use). */
        public final boolean own;

        Source(String fileName, boolean own) {
            this.fileName = fileName;
            this.own = own;
        }

        /** The catalogued source of this file. */
        public KernelSource kernelSource() {
            return KernelCatalog.all().stream().filter(s -> s.fileName().equals(fileName)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("kernel source " + fileName
                            + " is not in KernelCatalog"));
        }
    }

    /** The parameter kinds of every kernel of the three sources, parsed from the text that is compiled. */
    public static final KernelSignatures SIGNATURES = KernelSignatures.of(java.util.Arrays.stream(Source.values())
            .map(Source::kernelSource).toList());

    public final Source source;
    public final String symbol;

    SgemmKernel(Source source, String symbol) {
        this.source = source;
        this.symbol = symbol;
    }
}
