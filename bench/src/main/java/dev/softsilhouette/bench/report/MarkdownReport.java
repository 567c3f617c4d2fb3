package dev.softsilhouette.bench.report;

import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.ceiling.coretype.CandidateOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The report as Markdown: machine, backends, ceilings, the results table, and what was not run and why. */
public final class MarkdownReport {
    /** Longer reasons (a library search listing every folder tried) are cut; backends.txt keeps them whole. */
    static final int REASON_LENGTH = 400;

    private MarkdownReport() {
    }

    public static String render(ReportInput input) {
        ReportModel model = ReportModel.of(input);
        StringBuilder md = new StringBuilder();
        md.append("# Soft Silhouette benchmarks: ").append(input.profile()).append(" profile\n\n");
        md.append("Command: `").append(input.command()).append("`  \n");
        md.append("Wall time: ").append(wall(input)).append("\n\n");

        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        for (Map.Entry<String, String> e : input.machine().entrySet()) {
            md.append("| ").append(e.getKey()).append(" | ").append(cell(e.getValue())).append(" |\n");
        }

        md.append("\n## Backends found\n\n");
        md.append("| backend | priority | status | details or reason |\n|---|---:|---|---|\n");
        for (ReportInput.BackendStatus b : input.backends()) {
            md.append("| ").append(b.name()).append(" | ").append(b.priority()).append(" | ")
                    .append(b.available() ? "available" : "**unavailable**").append(" | ")
                    .append(cell(Format.abbreviate(b.detailsOrReason(), REASON_LENGTH, "backends.txt")))
                    .append(" |\n");
        }

        md.append("\n## Ceilings (SGEMM at each workload's Gram shape, same run)\n\n");
        md.append("| ceiling | status | details or reason |\n|---|---|---|\n");
        for (ReportInput.CeilingStatus c : input.ceilings()) {
            md.append("| ").append(c.name()).append(" | ").append(c.available() ? "available" : "**unavailable**")
                    .append(" | ").append(cell(Format.abbreviate(c.detailsOrReason(), REASON_LENGTH, "backends.txt")))
                    .append(" |\n");
        }
        for (String note : input.ceilingNotes()) {
            md.append("\n").append(note).append("\n");
        }
        if (!input.openBlasCandidates().isEmpty()) {
            md.append(openBlasCandidates(input, model));
        }
        if (!model.chosenCeilings().isEmpty()) {
            md.append("\nThe ceiling at each shape (the fastest checked setting there):\n");
            md.append("\n| ceiling | setting | shape M x N x K | time | GFLOP/s |\n|---|---|---|---:|---:|\n");
            for (ReportModel.CeilingRow c : model.chosenCeilings()) {
                md.append("| ").append(c.ceiling()).append(" | ").append(c.setting()).append(" | ")
                        .append(c.shape().label()).append(" | ")
                        .append(Format.timeWithError(c.seconds(), c.errorSeconds())).append(" | ")
                        .append(Format.gflops(c.gflops())).append(" |\n");
            }
        }

        md.append("\n## Results\n\n");
        md.append(table(model, input.memoryColumns()));

        if (!input.notRun().isEmpty()) {
            md.append("\n## Not run\n\n");
            for (ReportInput.NotRun n : input.notRun()) {
                md.append("- ").append(n.backend()).append(", ").append(n.workload()).append(", ").append(n.what())
                        .append(": ").append(Format.abbreviate(n.reason(), REASON_LENGTH, "backends.txt"))
                        .append("\n");
            }
        }

        md.append("\n## How to read this\n\n");
        md.append("- Time: JMH average time per call through the public API (validation and label preparation "
                + "included), ± the 99.9% confidence half-interval where JMH had enough iterations.\n");
        md.append("- Effective GFLOP/s: counted flops over time. `euclidean`: 2·N²·D for forward and score, "
                + "4·N²·D for forward+backward. `sqeuclidean` and `cosine` (class statistics): 6·N·K·D. Flops a "
                + "backend does beyond the count are not credited.\n");
        md.append("- ceiling GFLOP/s, % of ceiling: the SGEMM rate measured in this run at the workload's Gram "
                + "shape (M = N rows, or a row block of at most 2^26 elements of C; N; K = D), and the effective rate "
                + "over it. OpenBLAS for CPU backends: the fastest of the OpenBLAS settings that were checked against "
                + "float64 (see Ceilings); cuBLAS for GPU backends. For the class-statistics metrics the ratio only says how far "
                + "the call is from the machine's matrix-multiply rate; their work is not a Gram matrix.\n");
        md.append("- Speed-up: reference time over this backend's time on the same workload, metric, operation "
                + "and tau; n/a where the reference was not run there (see Not run).\n");
        md.append("- alloc/op: JMH gc profiler `gc.alloc.rate.norm`, bytes allocated on the Java heap per call.\n");
        if (input.memoryColumns()) {
            md.append("- peak heap: sum over heap pools of the peak use during an iteration (upper bound); peak "
                    + "RSS: the benchmark JVM's VmHWM (native memory included).\n");
        }
        md.append("- Data: fixed-seed synthetic clustered classes (balanced, shuffled labels); the score always "
                + "uses tau 0.\n");
        return md.toString();
    }

    /** The results table alone (the README's figures table). */
    public static String table(ReportModel model, boolean memoryColumns) {
        StringBuilder md = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("backend", "workload N×D×K", "metric", "op", "tau",
                "time/op", "effective GFLOP/s", "ceiling GFLOP/s", "% of ceiling", "speed-up vs reference", "alloc/op"));
        if (memoryColumns) {
            header.add("peak heap");
            header.add("peak RSS");
        }
        md.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (int i = 0; i < header.size(); i++) {
            md.append(i < 5 ? "---|" : "---:|");
        }
        md.append("\n");
        for (ReportModel.Row r : model.rows()) {
            List<String> cells = new ArrayList<>(List.of(r.backend(), r.workload().label().replace("x", "×"),
                    r.metric().externalName(), r.op().methodName(), tau(r.tau()),
                    Format.timeWithError(r.seconds(), r.errorSeconds()), Format.gflops(r.gflops()),
                    Format.gflops(r.ceilingGflops()), Format.percent(r.percentOfCeiling()), Format.factor(r.speedUpOverReference()),
                    Format.bytes(r.allocBytesPerOp())));
            if (memoryColumns) {
                cells.add(Format.mib(r.heapPeakMiB()));
                cells.add(Format.mib(r.rssPeakMiB()));
            }
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        if (model.rows().isEmpty()) {
            md.append("| (no results) |").append(" |".repeat(header.size() - 1)).append("\n");
        }
        return md.toString();
    }

    /**
     * Every OpenBLAS setting tried: its environment, the core OpenBLAS ran, what became of it, and its GFLOP/s at
     * each shape (the chosen one in bold); then which setting won.
     */
    static String openBlasCandidates(ReportInput input, ReportModel model) {
        List<GemmShape> shapes = model.chosenCeilings().stream()
                .filter(c -> c.ceiling().equals(OpenBlasSgemmCeiling.NAME)).map(ReportModel.CeilingRow::shape)
                .toList();
        StringBuilder md = new StringBuilder();
        md.append("\n### OpenBLAS settings tried\n\n");
        md.append("Each setting runs in its own processes (OpenBLAS reads `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` "
                + "once, when it loads): one checks a product at every shape against float64, then JMH measures the "
                + "settings that passed. A setting whose kernel faults or gives wrong numbers is excluded; one that "
                + "gives the same environment, or the same core with the same `OPENBLAS_L2_SIZE`, as an earlier one is "
                + "not measured again.\n\n");
        md.append("| setting | environment | OpenBLAS core | outcome |");
        shapes.forEach(s -> md.append(" ").append(s.label()).append(" |"));
        md.append("\n|---|---|---|---|").append("---:|".repeat(shapes.size())).append("\n");
        for (CandidateOutcome c : input.openBlasCandidates()) {
            md.append("| ").append(c.setting().label()).append(" | ").append(cell(c.environment())).append(" | ")
                    .append(c.coreName().isEmpty() ? "unknown" : cell(c.coreName())).append(" | ")
                    .append(switch (c.verdict()) {
                        case MEASURED -> "measured";
                        case EXCLUDED -> "**excluded**: " + cell(Format.abbreviate(c.note(), REASON_LENGTH,
                                "backends.txt"));
                        case SAME_AS_EARLIER -> "not measured again: " + cell(c.note());
                    }).append(" |");
            for (GemmShape shape : shapes) {
                Optional<ReportModel.CeilingRow> row = model.ceilings().stream()
                        .filter(r -> r.ceiling().equals(OpenBlasSgemmCeiling.NAME)
                                && r.setting().equals(c.setting().label()) && r.shape().equals(shape)).findFirst();
                boolean chosen = row.isPresent() && model.chosenCeilings().contains(row.get());
                md.append(" ").append(row.map(r -> (chosen ? "**" : "") + Format.gflops(r.gflops())
                        + (chosen ? "**" : "")).orElse("—")).append(" |");
            }
            md.append("\n");
        }
        md.append("\n").append(winner(input, model)).append("\n");
        return md.toString();
    }

    /** "OpenBLAS ceiling: SkylakeX (...), the fastest checked setting at every shape", or the winner per shape. */
    static String winner(ReportInput input, ReportModel model) {
        Map<String, List<String>> shapesBySetting = new LinkedHashMap<>();
        for (ReportModel.CeilingRow c : model.chosenCeilings()) {
            if (c.ceiling().equals(OpenBlasSgemmCeiling.NAME)) {
                shapesBySetting.computeIfAbsent(c.setting(), k -> new ArrayList<>()).add(c.shape().label());
            }
        }
        if (shapesBySetting.isEmpty()) {
            return "OpenBLAS ceiling: no setting passed its check and gave a result; CPU rows have no ceiling.";
        }
        List<String> parts = new ArrayList<>();
        shapesBySetting.forEach((setting, shapes) -> {
            String described = input.openBlasCandidates().stream().filter(c -> c.setting().label().equals(setting))
                    .findFirst().map(c -> " (" + c.environment() + "; OpenBLAS core " + c.coreName() + ")")
                    .orElse("");
            parts.add("`" + setting + "`" + described + (shapesBySetting.size() == 1 ? ""
                    : " at " + String.join(", ", shapes)));
        });
        return "OpenBLAS ceiling: " + String.join("; ", parts) + (shapesBySetting.size() == 1
                ? ", the fastest checked setting at every shape." : " (the fastest checked setting at each shape).");
    }

    private static String tau(double tau) {
        return tau == 0.0 ? "0" : String.format(Locale.ROOT, "%s", tau);
    }

    private static String wall(ReportInput input) {
        long s = input.wallTime().toSeconds();
        return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }

    private static String cell(String text) {
        return text == null || text.isEmpty() ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
