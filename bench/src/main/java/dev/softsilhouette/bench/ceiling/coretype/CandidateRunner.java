package dev.softsilhouette.bench.ceiling.coretype;

import dev.softsilhouette.bench.ceiling.GemmShape;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs OpenBLAS under one {@link OpenBlasSetting}, each time in a fresh process (OpenBLAS reads its environment once,
 * when it loads). {@link ForkedCandidateRunner} starts JVMs; tests use a fake.
 */
public interface CandidateRunner {

    /**
     * Loads OpenBLAS under {@code setting}, asks which core it chose, and checks one product at each shape against
     * float64.
     */
    Check check(OpenBlasSetting setting, List<GemmShape> shapes);

    /**
     * Measures SGEMM under {@code setting} at every shape with JMH.
     *
     * @return JMH's JSON result file, with the setting's label as the benchmark's {@code setting} parameter
     * @throws CandidateFailure when the run gave no result, with the reason
     */
    Path measure(OpenBlasSetting setting, List<GemmShape> shapes) throws CandidateFailure;

    /**
     * A check's outcome.
     *
     * @param coreName the core OpenBLAS chose, empty when the process ended before saying
     * @param failure  empty when every product was within its bound; else why not (wrong numbers at a shape, the
     *                 process faulted or exited with a status)
     * @param worstRatio the largest |error| / bound over every checked element at every shape (see
     *                 {@link dev.softsilhouette.bench.ceiling.SgemmCheck})
     */
    record Check(String coreName, String failure, double worstRatio) {
        public boolean passed() {
            return failure.isEmpty();
        }
    }

    /** A candidate's run failed; the message says why. */
    final class CandidateFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public CandidateFailure(String message) {
            super(message);
        }
    }
}
