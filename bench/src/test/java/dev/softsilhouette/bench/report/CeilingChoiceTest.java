package dev.softsilhouette.bench.report;

import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.coretype.CandidateOutcome;
import dev.softsilhouette.bench.ceiling.coretype.OpenBlasSetting;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ceiling is the fastest checked OpenBLAS setting at each shape, and the report says which: fake JMH records
 * with round rates, one from a setting whose check failed (fastest of all, never chosen).
 */
class CeilingChoiceTest {
    private static final GemmShape SMALL = new GemmShape(1024, 1024, 512);
    private static final GemmShape LARGE = new GemmShape(4096, 4096, 256);
    private static final Map<String, String> GIVEN = Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE",
            "1048576");

    private static JmhRecord sgemm(String setting, GemmShape shape, double gflops) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("ceiling", "openblas-sgemm");
        params.put("setting", setting);
        params.put("shape", shape.label());
        return new JmhRecord("GemmCeilingBenchmark", "sgemm", params, shape.flops() / (gflops * 1e9), Double.NaN,
                Map.of(), Map.of(), List.of(), 1, 3);
    }

    /** cpu-vector's euclidean forwardBackward at 1024x512x100 (Gram shape SMALL) at 210 GFLOP/s. */
    private static JmhRecord forwardBackward() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("backend", "cpu-vector");
        params.put("workload", "1024x512x100");
        params.put("metric", "euclidean");
        params.put("tau", "0.1");
        return new JmhRecord("LossBenchmark", "forwardBackward", params, 4.0 * 1024 * 1024 * 512 / 210e9,
                Double.NaN, Map.of(), Map.of(), List.of(), 5, 3);
    }

    private static CandidateOutcome outcome(String label, String core, CandidateOutcome.Verdict verdict,
                                            String note) {
        OpenBlasSetting s = OpenBlasSetting.parse(label);
        return new CandidateOutcome(s, s.describe(GIVEN), core, verdict, note);
    }

    private static ReportInput input(List<JmhRecord> ceilingRecords) {
        List<JmhRecord> records = new ArrayList<>(ceilingRecords);
        records.add(forwardBackward());
        return new ReportInput("quick", "bench/run-quick.sh", Duration.ofSeconds(60), Map.of(),
                List.of(new ReportInput.BackendStatus("cpu-vector", 100, true, "512-bit")),
                List.of(new ReportInput.CeilingStatus("openblas-sgemm", true, "OpenBLAS 0.3.31, core Cooperlake")),
                List.of(),
                List.of(outcome("as-given", "Haswell", CandidateOutcome.Verdict.MEASURED, "checked"),
                        outcome("unset", "Cooperlake", CandidateOutcome.Verdict.MEASURED, "checked"),
                        outcome("SkylakeX", "SkylakeX", CandidateOutcome.Verdict.MEASURED, "checked"),
                        outcome("SapphireRapids", "Cooperlake", CandidateOutcome.Verdict.SAME_AS_EARLIER,
                                "OpenBLAS ran the same core (Cooperlake) with the same OPENBLAS_L2_SIZE as unset"),
                        outcome("Zen", "Zen", CandidateOutcome.Verdict.EXCLUDED,
                                "at 1024x1024x512, wrong product: C[1023][5] = 3.0")),
                Map.of("cpu-vector", "openblas-sgemm"), List.of(), records, false);
    }

    private static final List<JmhRecord> SPLIT_WIN = List.of(
            sgemm("as-given", SMALL, 150), sgemm("as-given", LARGE, 160),
            sgemm("unset", SMALL, 300), sgemm("unset", LARGE, 280),
            sgemm("SkylakeX", SMALL, 290), sgemm("SkylakeX", LARGE, 310),
            sgemm("Zen", SMALL, 900), sgemm("Zen", LARGE, 900));

    @Test
    void theFastestCheckedSettingAtEachShapeIsTheCeiling() {
        ReportModel model = ReportModel.of(input(SPLIT_WIN));
        List<ReportModel.CeilingRow> chosen = model.chosenCeilings();
        assertEquals(2, chosen.size());
        assertEquals("unset", chosen.get(0).setting());
        assertEquals(SMALL, chosen.get(0).shape());
        assertEquals(300.0, chosen.get(0).gflops(), 1e-9);
        assertEquals("SkylakeX", chosen.get(1).setting());
        assertEquals(310.0, chosen.get(1).gflops(), 1e-9);
        assertFalse(model.ceilings().stream().anyMatch(c -> c.setting().equals("Zen")),
                "a setting whose product was wrong is no ceiling, however fast");

        ReportModel.Row row = model.rows().getFirst();
        assertEquals(300.0, row.ceilingGflops(), 1e-9);
        assertEquals("unset", row.ceilingSetting());
        assertEquals(70.0, row.percentOfCeiling(), 1e-9, "210 of 300 GFLOP/s");
    }

    @Test
    void theReportListsEveryCandidateAndNamesTheWinnerAtEachShape() {
        String md = MarkdownReport.render(input(SPLIT_WIN));
        assertTrue(md.contains("| setting | environment | OpenBLAS core | outcome | 1024x1024x512 | 4096x4096x256 |"),
                md);
        assertTrue(md.contains("| as-given | OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=1048576 | Haswell | measured "
                + "| 150 | 160 |"), md);
        assertTrue(md.contains("| unset | OPENBLAS_CORETYPE unset, OPENBLAS_L2_SIZE unset | Cooperlake | measured "
                + "| **300** | 280 |"), md);
        assertTrue(md.contains("| SkylakeX | OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset | SkylakeX | "
                + "measured | 290 | **310** |"), md);
        assertTrue(md.contains("| SapphireRapids | OPENBLAS_CORETYPE=SapphireRapids, OPENBLAS_L2_SIZE unset | "
                + "Cooperlake | not measured again: OpenBLAS ran the same core (Cooperlake) with the same "
                + "OPENBLAS_L2_SIZE as unset | — | — |"), md);
        assertTrue(md.contains("| Zen | OPENBLAS_CORETYPE=Zen, OPENBLAS_L2_SIZE unset | Zen | **excluded**: at "
                + "1024x1024x512, wrong product: C[1023][5] = 3.0 | — | — |"), md);
        assertTrue(md.contains("OpenBLAS ceiling: `unset` (OPENBLAS_CORETYPE unset, OPENBLAS_L2_SIZE unset; OpenBLAS "
                + "core Cooperlake) at 1024x1024x512; `SkylakeX` (OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset; "
                + "OpenBLAS core SkylakeX) at 4096x4096x256 (the fastest checked setting at each shape)."), md);
        assertTrue(md.contains("| openblas-sgemm | unset | 1024x1024x512 |"), md);
        assertTrue(md.contains("| cpu-vector | 1024×512×100 | euclidean | forwardBackward | 0.1 | 10.2 ms | 210 | 300 "
                + "| 70% |"), md);
    }

    @Test
    void oneWinnerEverywhereIsNamedOnce() {
        List<JmhRecord> records = List.of(sgemm("unset", SMALL, 300), sgemm("unset", LARGE, 280),
                sgemm("SkylakeX", SMALL, 320), sgemm("SkylakeX", LARGE, 310));
        String md = MarkdownReport.render(input(records));
        assertTrue(md.contains("OpenBLAS ceiling: `SkylakeX` (OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset; "
                + "OpenBLAS core SkylakeX), the fastest checked setting at every shape."), md);
    }

    @Test
    void ceilingJsonHoldsTheChoiceAndEveryCandidate() {
        Map<?, ?> json = (Map<?, ?>) Json.parse(CeilingJson.render(input(SPLIT_WIN)));
        List<?> chosen = (List<?>) json.get("chosen");
        assertEquals(Map.of("ceiling", "openblas-sgemm", "shape", "4096x4096x256", "setting", "SkylakeX",
                "seconds", LARGE.flops() / 310e9, "gflops", 310.0), chosen.get(1));
        List<?> candidates = (List<?>) json.get("openblasCandidates");
        assertEquals(5, candidates.size());
        Map<?, ?> zen = (Map<?, ?>) candidates.get(4);
        assertEquals("EXCLUDED", zen.get("verdict"));
        assertEquals(Map.of(), zen.get("gflops"), "an excluded setting's figures are not reported as a ceiling");
        assertEquals(Map.of("1024x1024x512", 300.0, "4096x4096x256", 280.0), ((Map<?, ?>) candidates.get(1))
                .get("gflops"));
    }
}
