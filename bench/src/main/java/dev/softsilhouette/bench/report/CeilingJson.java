package dev.softsilhouette.bench.report;

import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.ceiling.coretype.CandidateOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ceiling.json}: the ceiling chosen at each shape, and every OpenBLAS setting tried with its environment, the
 * core OpenBLAS ran, its outcome and its GFLOP/s per shape, for tools that read the run rather than the report.
 */
public final class CeilingJson {
    private CeilingJson() {
    }

    public static String render(ReportInput input) {
        ReportModel model = ReportModel.of(input);
        List<Object> chosen = new ArrayList<>();
        for (ReportModel.CeilingRow c : model.chosenCeilings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ceiling", c.ceiling());
            m.put("shape", c.shape().label());
            m.put("setting", c.setting());
            m.put("seconds", c.seconds());
            m.put("gflops", c.gflops());
            chosen.add(m);
        }
        List<Object> candidates = new ArrayList<>();
        for (CandidateOutcome c : input.openBlasCandidates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", c.setting().label());
            m.put("environment", c.environment());
            m.put("coreName", c.coreName());
            m.put("verdict", c.verdict().name());
            m.put("note", c.note());
            Map<String, Object> rates = new LinkedHashMap<>();
            model.ceilings().stream().filter(r -> r.ceiling().equals(OpenBlasSgemmCeiling.NAME)
                            && r.setting().equals(c.setting().label()))
                    .forEach(r -> rates.put(r.shape().label(), r.gflops()));
            m.put("gflops", rates);
            candidates.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("chosen", chosen);
        root.put("openblasCandidates", candidates);
        return Json.write(root);
    }
}
