package dev.softsilhouette.bench.report;

import dev.softsilhouette.Metric;
import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.workload.FlopCount;
import dev.softsilhouette.bench.workload.Operation;
import dev.softsilhouette.bench.workload.Workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The derived figures: for each loss measurement its effective rate (counted flops over time, {@link FlopCount}),
 * the ceiling measured at the same workload's Gram shape (the fastest setting there that was checked and measured,
 * {@link #chosenCeilings()}) and the percentage of it, the speed-up over
 * {@code reference} on the same workload, metric, operation and temperature, and the allocation per call.
 */
public final class ReportModel {
    public static final String LOSS_BENCHMARK = "LossBenchmark";
    public static final String CEILING_BENCHMARK = "GemmCeilingBenchmark";
    public static final String REFERENCE = "reference";
    static final String ALLOC = "gc.alloc.rate.norm";

    /** The setting of a ceiling that has none (cuBLAS), and of result files older than settings. */
    public static final String NO_SETTING = "as-given";

    /**
     * One ceiling measurement.
     *
     * @param setting the environment it ran under (an OpenBLAS setting's label, {@link #NO_SETTING} elsewhere)
     */
    public record CeilingRow(String ceiling, String setting, GemmShape shape, double seconds, double errorSeconds,
                             double gflops) {
    }

    /**
     * One loss measurement with its derived figures; NaN where a figure does not exist (no ceiling applies, the
     * reference did not run there, the profiler was off).
     */
    public record Row(String backend, Workload workload, Metric metric, Operation op, double tau, double seconds,
                      double errorSeconds, double flops, double gflops, String ceiling, String ceilingSetting,
                      double ceilingGflops,
                      double percentOfCeiling, double speedUpOverReference, double allocBytesPerOp,
                      double heapPeakMiB, double rssPeakMiB) {
    }

    private final List<Row> rows;
    private final List<CeilingRow> ceilings;
    private final List<CeilingRow> chosenCeilings;

    private ReportModel(List<Row> rows, List<CeilingRow> ceilings, List<CeilingRow> chosenCeilings) {
        this.rows = rows;
        this.ceilings = ceilings;
        this.chosenCeilings = chosenCeilings;
    }

    public List<Row> rows() {
        return rows;
    }

    /** Every ceiling measurement that may be a ceiling, every setting. */
    public List<CeilingRow> ceilings() {
        return ceilings;
    }

    /** The ceiling at each (ceiling, shape): its fastest setting there. */
    public List<CeilingRow> chosenCeilings() {
        return chosenCeilings;
    }

    public static ReportModel of(ReportInput input) {
        // A setting whose check failed (or that duplicates another) is never a ceiling, whatever its results say.
        Set<String> notCeilings = new HashSet<>();
        input.openBlasCandidates().stream().filter(c -> !c.measured())
                .forEach(c -> notCeilings.add(c.setting().label()));
        List<CeilingRow> ceilingRows = new ArrayList<>();
        for (JmhRecord r : input.results()) {
            if (r.benchmarkClass().equals(CEILING_BENCHMARK)) {
                GemmShape shape = GemmShape.parse(r.param("shape"));
                String ceiling = r.param("ceiling");
                String setting = r.param("setting", NO_SETTING);
                if (ceiling.equals(OpenBlasSgemmCeiling.NAME) && notCeilings.contains(setting)) {
                    continue;
                }
                ceilingRows.add(new CeilingRow(ceiling, setting, shape, r.seconds(), r.errorSeconds(),
                        FlopCount.gflops(shape.flops(), r.seconds())));
            }
        }
        ceilingRows.sort(Comparator.comparing(CeilingRow::ceiling).thenComparingLong(c -> (long) c.shape().n())
                .thenComparingInt(c -> c.shape().k()).thenComparing(Comparator.comparingDouble(CeilingRow::gflops)
                        .reversed()));
        Map<String, CeilingRow> best = new LinkedHashMap<>();
        for (CeilingRow c : ceilingRows) {
            best.merge(c.ceiling() + "|" + c.shape().label(), c, (a, b) -> b.gflops() > a.gflops() ? b : a);
        }
        List<CeilingRow> chosen = List.copyOf(best.values());

        Map<String, Double> referenceSeconds = new HashMap<>();
        List<JmhRecord> loss = input.results().stream()
                .filter(r -> r.benchmarkClass().equals(LOSS_BENCHMARK)).toList();
        for (JmhRecord r : loss) {
            if (r.param("backend").equals(REFERENCE)) {
                referenceSeconds.put(key(r), r.seconds());
            }
        }

        Map<String, Integer> backendOrder = new HashMap<>();
        for (int i = 0; i < input.backends().size(); i++) {
            ReportInput.BackendStatus b = input.backends().get(i);
            backendOrder.put(b.name(), b.priority());
        }

        List<Row> rows = new ArrayList<>();
        for (JmhRecord r : loss) {
            String backend = r.param("backend");
            Workload w = Workload.parse(r.param("workload"));
            Metric metric = Metric.parse(r.param("metric"));
            Operation op = Operation.byMethodName(r.method());
            double tau = effectiveTau(r, op);
            double flops = FlopCount.of(metric, op, w);
            double gflops = FlopCount.gflops(flops, r.seconds());

            String ceilingName = input.ceilingForBackend().get(backend);
            double ceilingGflops = Double.NaN;
            String ceilingSetting = null;
            if (ceilingName != null) {
                GemmShape shape = GemmShape.gramOf(w);
                Optional<CeilingRow> c = chosen.stream()
                        .filter(x -> x.ceiling().equals(ceilingName) && x.shape().equals(shape)).findFirst();
                if (c.isPresent()) {
                    ceilingGflops = c.get().gflops();
                    ceilingSetting = c.get().setting();
                }
            }
            Double ref = referenceSeconds.get(key(r));
            double speedUp = ref == null ? Double.NaN : ref / r.seconds();
            rows.add(new Row(backend, w, metric, op, tau, r.seconds(), r.errorSeconds(), flops, gflops,
                    ceilingName, ceilingSetting, ceilingGflops, 100.0 * gflops / ceilingGflops, speedUp,
                    r.secondary().getOrDefault(ALLOC, Double.NaN),
                    r.secondary().getOrDefault("mem.heap.peak", Double.NaN),
                    r.secondary().getOrDefault("mem.rss.peak", Double.NaN)));
        }
        rows.sort(Comparator.<Row>comparingInt(x -> x.workload().n())
                .thenComparingInt(x -> x.workload().d())
                .thenComparingInt(x -> x.workload().k())
                .thenComparing(Row::metric)
                .thenComparing(Row::op)
                .thenComparingDouble(Row::tau)
                .thenComparingInt(x -> backendOrder.getOrDefault(x.backend(), Integer.MAX_VALUE))
                .thenComparing(Row::backend));
        return new ReportModel(List.copyOf(rows), List.copyOf(ceilingRows), chosen);
    }

    /** The score always runs at tau 0 whatever the parameter says. */
    private static double effectiveTau(JmhRecord r, Operation op) {
        return op == Operation.SCORE ? 0.0 : Double.parseDouble(r.param("tau"));
    }

    private static String key(JmhRecord r) {
        Operation op = Operation.byMethodName(r.method());
        return r.param("workload") + "|" + r.param("metric") + "|" + op + "|" + effectiveTau(r, op);
    }
}
