package dev.softsilhouette.bench.report;

import dev.softsilhouette.bench.ceiling.coretype.CandidateOutcome;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a report is made from: JMH's results plus what JMH does not know (the machine, which backends and
 * ceilings were found and why some could not run, what the profile chose not to run).
 *
 * @param profile           profile name ({@code quick}, {@code full}, {@code large})
 * @param command           the command that produced the results
 * @param wallTime          how long the whole run took
 * @param machine           machine description, label to value, in order
 * @param backends          every backend found, available or not
 * @param ceilings          every ceiling found, available or not
 * @param ceilingNotes      ceilings that were not measured and why (for example no GPU)
 * @param openBlasCandidates every OpenBLAS setting tried for the CPU ceiling, with what became of it (empty when
 *                          the OpenBLAS ceiling did not run)
 * @param ceilingForBackend the ceiling each backend's rate is compared with
 * @param notRun            planned measurements that were skipped, with the reason
 * @param results           JMH's results, loss and ceiling benchmarks together
 * @param memoryColumns     whether the table shows peak heap and RSS (the large profile)
 */
public record ReportInput(String profile, String command, Duration wallTime, Map<String, String> machine,
                          List<BackendStatus> backends, List<CeilingStatus> ceilings, List<String> ceilingNotes,
                          List<CandidateOutcome> openBlasCandidates, Map<String, String> ceilingForBackend, List<NotRun> notRun, List<JmhRecord> results,
                          boolean memoryColumns) {

    /** A backend as the registry reported it. */
    public record BackendStatus(String name, int priority, boolean available, String detailsOrReason) {
    }

    /** A ceiling provider's probe. */
    public record CeilingStatus(String name, boolean available, String detailsOrReason) {
    }

    /**
     * A measurement the run did not make.
     *
     * @param backend  the backend
     * @param workload the workload, or {@code *} for all
     * @param what     which operations or metrics
     * @param reason   why
     */
    public record NotRun(String backend, String workload, String what, String reason) {
    }
}
