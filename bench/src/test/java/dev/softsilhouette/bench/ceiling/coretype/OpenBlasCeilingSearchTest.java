package dev.softsilhouette.bench.ceiling.coretype;

import dev.softsilhouette.bench.ceiling.GemmShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search with a fake runner: which settings are checked, excluded, measured once, and why. */
class OpenBlasCeilingSearchTest {
    private static final List<GemmShape> SHAPES = List.of(new GemmShape(256, 256, 128),
            new GemmShape(1024, 1024, 512));
    private static final Map<String, String> HASWELL_GIVEN = Map.of("OPENBLAS_CORETYPE", "Haswell",
            "OPENBLAS_L2_SIZE", "1048576");

    /**
     * What OpenBLAS does on an AVX-512 Zen: autodetects Cooperlake, falls back from SapphireRapids to Cooperlake;
     * here the Zen kernel gives wrong numbers and SkylakeX faults, to be excluded.
     */
    private static final class FakeRunner implements CandidateRunner {
        final List<String> checked = new ArrayList<>();
        final List<String> measured = new ArrayList<>();
        final Map<String, String> failMeasurement;

        FakeRunner(Map<String, String> failMeasurement) {
            this.failMeasurement = failMeasurement;
        }

        @Override
        public Check check(OpenBlasSetting setting, List<GemmShape> shapes) {
            assertEquals(SHAPES, shapes);
            checked.add(setting.label());
            return switch (setting.label()) {
                case "as-given", "Haswell" -> new Check("Haswell", "", 0.01);
                case "unset", "Cooperlake", "SapphireRapids" -> new Check("Cooperlake", "", 0.02);
                case "SkylakeX" -> new Check("SkylakeX", "faulted: SIGILL (0x4) at pc=0x7f (exit status 134)", 0);
                case "Zen" -> new Check("Zen", "at 1024x1024x512, wrong product: C[1023][5] = 3.0, float64 gives "
                        + "-11.2 (bound 0.004)", 3000);
                default -> throw new AssertionError(setting);
            };
        }

        @Override
        public Path measure(OpenBlasSetting setting, List<GemmShape> shapes) throws CandidateFailure {
            measured.add(setting.label());
            String failure = failMeasurement.get(setting.label());
            if (failure != null) {
                throw new CandidateFailure(failure);
            }
            return Path.of("jmh", "ceiling-openblas-" + setting.label() + ".json");
        }
    }

    private static CandidateOutcome outcome(OpenBlasCeilingSearch.Result r, String label) {
        return r.outcomes().stream().filter(o -> o.setting().label().equals(label)).findFirst().orElseThrow();
    }

    @Test
    void wrongAndFaultingKernelsAreExcludedAndEachDistinctKernelIsMeasuredOnce() {
        FakeRunner runner = new FakeRunner(Map.of());
        List<String> progress = new ArrayList<>();
        OpenBlasCeilingSearch.Result r = OpenBlasCeilingSearch.run(OpenBlasSetting.candidates(), SHAPES,
                HASWELL_GIVEN, runner, progress::add);

        assertEquals(OpenBlasSetting.candidates().stream().map(OpenBlasSetting::label).toList(), runner.checked);
        assertEquals(List.of("as-given", "unset", "Haswell"), runner.measured,
                "Haswell without L2_SIZE differs from the given Haswell with it; Cooperlake and SapphireRapids run "
                        + "unset's kernels");
        assertEquals(List.of(Path.of("jmh", "ceiling-openblas-as-given.json"),
                Path.of("jmh", "ceiling-openblas-unset.json"), Path.of("jmh", "ceiling-openblas-Haswell.json")),
                r.jmhResults());

        CandidateOutcome zen = outcome(r, "Zen");
        assertEquals(CandidateOutcome.Verdict.EXCLUDED, zen.verdict());
        assertTrue(zen.note().contains("wrong product"), zen.note());
        assertEquals(CandidateOutcome.Verdict.EXCLUDED, outcome(r, "SkylakeX").verdict());
        assertTrue(outcome(r, "SkylakeX").note().startsWith("faulted: SIGILL"));

        CandidateOutcome sapphire = outcome(r, "SapphireRapids");
        assertEquals(CandidateOutcome.Verdict.SAME_AS_EARLIER, sapphire.verdict());
        assertEquals("Cooperlake", sapphire.coreName(), "the core OpenBLAS ran, not the one asked for");
        assertEquals("OpenBLAS ran the same core (Cooperlake) with the same OPENBLAS_L2_SIZE as unset",
                sapphire.note());

        CandidateOutcome asGiven = outcome(r, "as-given");
        assertTrue(asGiven.measured());
        assertEquals("OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=1048576", asGiven.environment());
        assertEquals("checked against float64 at 2 shapes, worst error 0.010 of the float32 rounding bound",
                asGiven.note());
        assertEquals(7, progress.size());
        assertTrue(progress.get(5).startsWith("Zen (OPENBLAS_CORETYPE=Zen, OPENBLAS_L2_SIZE unset): core Zen, "
                + "excluded: at 1024x1024x512, wrong product"), progress.get(5));
    }

    @Test
    void whereTheEnvironmentSetsNeitherUnsetIsNotRunTwice() {
        FakeRunner runner = new FakeRunner(Map.of());
        OpenBlasCeilingSearch.Result r = OpenBlasCeilingSearch.run(
                List.of(OpenBlasSetting.AS_GIVEN, OpenBlasSetting.UNSET), SHAPES, Map.of("PATH", "/bin"), runner,
                line -> { });
        assertEquals(List.of("as-given"), runner.checked);
        CandidateOutcome unset = outcome(r, "unset");
        assertEquals(CandidateOutcome.Verdict.SAME_AS_EARLIER, unset.verdict());
        assertEquals("the same environment as as-given", unset.note());
    }

    @Test
    void aMeasurementWithoutResultExcludesTheSetting() {
        FakeRunner runner = new FakeRunner(Map.of("unset", "JMH wrote no result (see logs/ceiling-openblas-unset.log)"));
        OpenBlasCeilingSearch.Result r = OpenBlasCeilingSearch.run(
                List.of(OpenBlasSetting.UNSET, OpenBlasSetting.coreType("Cooperlake")), SHAPES, HASWELL_GIVEN, runner,
                line -> { });
        assertEquals(CandidateOutcome.Verdict.EXCLUDED, outcome(r, "unset").verdict());
        assertTrue(outcome(r, "unset").note().startsWith("checked, but the measurement failed: JMH wrote no result"));
        assertEquals(List.of("unset", "Cooperlake"), runner.measured,
                "a failed measurement is no reason to skip the next setting with the same core");
        assertTrue(outcome(r, "Cooperlake").measured());
    }

    @Test
    void aFaultIsReportedWithTheSignalFromTheJvmErrorFile() throws IOException {
        Path dir = Files.createTempDirectory("hs-err");
        Path errorFile = dir.resolve("hs_err-ceiling-openblas-Zen-check.log");
        Files.writeString(errorFile, """
                #
                # A fatal error has been detected by the Java Runtime Environment:
                #
                #  SIGILL (0x4) at pc=0x00007f3a, pid=42, tid=43
                #
                """);
        assertEquals("faulted: SIGILL (0x4) at pc=0x00007f3a, pid=42, tid=43 (exit status 134, "
                + "logs/hs_err-ceiling-openblas-Zen-check.log)", ForkedCandidateRunner.ended(134, errorFile));
        assertEquals("exited with status 1", ForkedCandidateRunner.ended(1, dir.resolve("absent.log")));
        Files.delete(errorFile);
        Files.delete(dir);
    }
}
