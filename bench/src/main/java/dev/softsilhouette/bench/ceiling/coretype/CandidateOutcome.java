package dev.softsilhouette.bench.ceiling.coretype;

/**
 * What became of one {@link OpenBlasSetting}.
 *
 * @param setting     the setting
 * @param environment the two variables as its processes saw them ({@code OPENBLAS_CORETYPE=Zen, OPENBLAS_L2_SIZE
 *                    unset})
 * @param coreName    the core OpenBLAS ran under it ({@code openblas_get_corename}), empty when it never said
 * @param verdict     measured, excluded, or the same as an earlier candidate
 * @param note        the check's summary when measured; why, when excluded; which candidate, when the same
 */
public record CandidateOutcome(OpenBlasSetting setting, String environment, String coreName, Verdict verdict,
                               String note) {

    /** Whether its JMH results may be a ceiling. */
    public boolean measured() {
        return verdict == Verdict.MEASURED;
    }

    public enum Verdict {
        /** Checked correct at every shape, then measured. */
        MEASURED,
        /** Its kernel faulted, gave wrong numbers, or its measurement gave no result: never a ceiling. */
        EXCLUDED,
        /** The same environment, or the same core and L2 setting, as an earlier candidate: not measured twice. */
        SAME_AS_EARLIER
    }
}
