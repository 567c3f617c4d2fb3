package dev.softsilhouette.bench.report;

import dev.softsilhouette.Metric;
import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.workload.FlopCount;
import dev.softsilhouette.bench.workload.Operation;
import dev.softsilhouette.bench.workload.Workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The derived figures: for each loss measurement its effective rate (counted flops over time, {@link FlopCount}),
 * the ceiling measured at the same workload's Gram shape and the percentage of it, the speed-up over
 * {@code reference} on the same workload, metric, operation and temperature, and the allocation per call.
 */
public final class ReportModel {
    public static final String LOSS_BENCHMARK = "LossBenchmark";
    public static final String CEILING_BENCHMARK = "GemmCeilingBenchmark";
    public static final String REFERENCE = "reference";
    static final String ALLOC = "gc.alloc.rate.norm";

    /** One ceiling measurement. */
    public record CeilingRow(String ceiling, GemmShape shape, double seconds, double errorSeconds, double gflops) {
    }

    /**
     * One loss measurement with its derived figures; NaN where a figure does not exist (no ceiling applies, the
     * reference did not run there, the profiler was off).
     */
    public record Row(String backend, Workload workload, Metric metric, Operation op, double tau, double seconds,
                      double errorSeconds, double flops, double gflops, String ceiling, double ceilingGflops,
                      double percentOfCeiling, double speedUpOverReference, double allocBytesPerOp,
                      double heapPeakMiB, double rssPeakMiB) {
    }

    private final List<Row> rows;
    private final List<CeilingRow> ceilings;

    private ReportModel(List<Row> rows, List<CeilingRow> ceilings) {
        this.rows = rows;
        this.ceilings = ceilings;
    }

    public List<Row> rows() {
        return rows;
    }

    public List<CeilingRow> ceilings() {
        return ceilings;
    }

    public static ReportModel of(ReportInput input) {
        List<CeilingRow> ceilingRows = new ArrayList<>();
        for (JmhRecord r : input.results()) {
            if (r.benchmarkClass().equals(CEILING_BENCHMARK)) {
                GemmShape shape = GemmShape.parse(r.param("shape"));
                ceilingRows.add(new CeilingRow(r.param("ceiling"), shape, r.seconds(), r.errorSeconds(),
                        FlopCount.gflops(shape.flops(), r.seconds())));
            }
        }
        ceilingRows.sort(Comparator.comparing(CeilingRow::ceiling).thenComparingLong(c -> (long) c.shape().n())
                .thenComparingInt(c -> c.shape().k()));

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
            if (ceilingName != null) {
                GemmShape shape = GemmShape.gramOf(w);
                Optional<CeilingRow> c = ceilingRows.stream()
                        .filter(x -> x.ceiling().equals(ceilingName) && x.shape().equals(shape)).findFirst();
                if (c.isPresent()) {
                    ceilingGflops = c.get().gflops();
                }
            }
            Double ref = referenceSeconds.get(key(r));
            double speedUp = ref == null ? Double.NaN : ref / r.seconds();
            rows.add(new Row(backend, w, metric, op, tau, r.seconds(), r.errorSeconds(), flops, gflops,
                    ceilingName, ceilingGflops, 100.0 * gflops / ceilingGflops, speedUp,
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
        return new ReportModel(List.copyOf(rows), List.copyOf(ceilingRows));
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
