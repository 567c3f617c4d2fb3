package dev.softsilhouette.bench.ceiling.coretype;

import dev.softsilhouette.bench.ceiling.GemmShape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The best SGEMM this machine offers, not just the one its environment asks for: runs OpenBLAS under each
 * {@link OpenBlasSetting}, excludes a setting whose kernel faults or gives wrong numbers, measures each distinct
 * remaining one once, and returns every outcome with the JMH results of those measured. Which measured setting is
 * the ceiling at a shape (the fastest there) is the report's choice, from those results.
 *
 * <p>Two settings are the same when their processes see the same two variables, or when OpenBLAS ran the same core
 * with the same {@code OPENBLAS_L2_SIZE} under both (it falls back from a core type the CPU lacks): the later one is
 * listed, not measured again.
 */
public final class OpenBlasCeilingSearch {
    private OpenBlasCeilingSearch() {
    }

    /**
     * @param outcomes   one per candidate, in the candidates' order
     * @param jmhResults JMH's JSON files of the measured candidates
     */
    public record Result(List<CandidateOutcome> outcomes, List<Path> jmhResults) {
    }

    /**
     * @param candidates the settings to try ({@link OpenBlasSetting#candidates()})
     * @param shapes     the Gram shapes to check and measure at
     * @param given      the environment the runner was started with (only the two variables matter)
     * @param runner     starts the processes
     * @param progress   one line per candidate, for the console
     */
    public static Result run(List<OpenBlasSetting> candidates, List<GemmShape> shapes, Map<String, String> given,
                             CandidateRunner runner, Consumer<String> progress) {
        List<CandidateOutcome> outcomes = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        Map<Map<String, String>, CandidateOutcome> byEnvironment = new LinkedHashMap<>();
        Map<String, CandidateOutcome> measuredByKernels = new LinkedHashMap<>();
        for (OpenBlasSetting setting : candidates) {
            Map<String, String> env = setting.effective(given);
            String described = setting.describe(given);
            CandidateOutcome outcome;
            CandidateOutcome sameEnvironment = byEnvironment.get(env);
            if (sameEnvironment != null) {
                outcome = new CandidateOutcome(setting, described, sameEnvironment.coreName(),
                        CandidateOutcome.Verdict.SAME_AS_EARLIER, "the same environment as "
                        + sameEnvironment.setting().label());
            } else {
                outcome = checkAndMeasure(setting, described, env, shapes, runner, measuredByKernels, results);
                byEnvironment.put(env, outcome);
            }
            outcomes.add(outcome);
            progress.accept(setting.label() + " (" + described + "): "
                    + (outcome.coreName().isEmpty() ? "" : "core " + outcome.coreName() + ", ")
                    + outcome.verdict().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (outcome.note().isEmpty() ? "" : ": " + outcome.note()));
        }
        return new Result(List.copyOf(outcomes), List.copyOf(results));
    }

    private static CandidateOutcome checkAndMeasure(OpenBlasSetting setting, String described,
                                                    Map<String, String> env, List<GemmShape> shapes,
                                                    CandidateRunner runner,
                                                    Map<String, CandidateOutcome> measuredByKernels,
                                                    List<Path> results) {
        CandidateRunner.Check check = runner.check(setting, shapes);
        if (!check.passed()) {
            return new CandidateOutcome(setting, described, check.coreName(), CandidateOutcome.Verdict.EXCLUDED,
                    check.failure());
        }
        String kernels = check.coreName() + "|" + Objects.toString(env.get(OpenBlasSetting.L2_SIZE), "");
        CandidateOutcome sameKernels = measuredByKernels.get(kernels);
        if (sameKernels != null) {
            return new CandidateOutcome(setting, described, check.coreName(),
                    CandidateOutcome.Verdict.SAME_AS_EARLIER, "OpenBLAS ran the same core (" + check.coreName()
                    + ") with the same " + OpenBlasSetting.L2_SIZE + " as " + sameKernels.setting().label());
        }
        try {
            results.add(runner.measure(setting, shapes));
        } catch (CandidateRunner.CandidateFailure e) {
            return new CandidateOutcome(setting, described, check.coreName(), CandidateOutcome.Verdict.EXCLUDED,
                    "checked, but the measurement failed: " + e.getMessage());
        }
        CandidateOutcome outcome = new CandidateOutcome(setting, described, check.coreName(),
                CandidateOutcome.Verdict.MEASURED, String.format(java.util.Locale.ROOT,
                "checked against float64 at %d shape%s, worst error %.2g of the float32 rounding bound",
                shapes.size(), shapes.size() == 1 ? "" : "s", check.worstRatio()));
        measuredByKernels.put(kernels, outcome);
        return outcome;
    }
}
