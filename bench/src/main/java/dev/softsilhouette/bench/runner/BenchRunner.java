package dev.softsilhouette.bench.runner;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import dev.softsilhouette.Metric;
import dev.softsilhouette.bench.ceiling.GemmCeiling;
import dev.softsilhouette.bench.ceiling.GemmCeilings;
import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.ceiling.coretype.CandidateOutcome;
import dev.softsilhouette.bench.ceiling.coretype.ForkedCandidateRunner;
import dev.softsilhouette.bench.ceiling.coretype.OpenBlasCeilingSearch;
import dev.softsilhouette.bench.ceiling.coretype.OpenBlasSetting;
import dev.softsilhouette.bench.jmh.GemmCeilingBenchmark;
import dev.softsilhouette.bench.jmh.LossBenchmark;
import dev.softsilhouette.bench.jmh.PeakMemoryProfiler;
import dev.softsilhouette.bench.report.CeilingJson;
import dev.softsilhouette.bench.report.Format;
import dev.softsilhouette.bench.report.JmhRecord;
import dev.softsilhouette.bench.report.Json;
import dev.softsilhouette.bench.report.MarkdownReport;
import dev.softsilhouette.bench.report.ReportChart;
import dev.softsilhouette.bench.report.ReportInput;
import dev.softsilhouette.bench.report.ReportModel;
import dev.softsilhouette.bench.workload.Operation;
import dev.softsilhouette.bench.workload.Workload;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code java -jar benchmarks.jar [options]}: lists every backend and ceiling on the class path, runs the profile's
 * JMH benchmarks for each available backend (one JMH run per backend and workload, each in its own forked JVM), the
 * SGEMM ceilings at the same shapes (OpenBLAS under each {@link OpenBlasSetting}, the fastest checked one counts),
 * and writes into the output folder: {@code jmh-result.json} (all of JMH's results), {@code report.md},
 * {@code table.md}, {@code chart.png} and {@code ceiling.json} (the settings tried and the ceiling chosen).
 *
 * <p>Run {@code --help} for the options.
 */
public final class BenchRunner {
    static final List<String> FORK_FLAGS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");
    private static final String RELAUNCHED = "bench.relaunched";
    private static final double TAU = 0.1;

    private final Options options;
    private final PrintStream console = System.out;
    private final List<ReportInput.NotRun> notRun = new ArrayList<>();
    /** Planned (backend|workload|metric|op) measurements, to find the ones that produced no result. */
    private final Map<String, String> planned = new LinkedHashMap<>();

    private BenchRunner(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(Options.USAGE);
            return;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty() && !Boolean.getBoolean(RELAUNCHED)) {
            // Backends probed in this JVM must see the same flags as the benchmark forks: start again with them.
            System.exit(relaunch(args));
        }
        new BenchRunner(options).run();
    }

    /**
     * The library's own settings given to the runner ({@code -Dsilhouette.cpu.threads=1}, {@code -Dsilhouette.backend},
     * ...) go to every benchmark JVM too, so that one command measures, say, cpu-vector on one thread.
     */
    static List<String> forwardedProperties() {
        List<String> args = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (name.startsWith("silhouette.")) {
                args.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        return args;
    }

    private static int relaunch(String[] args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FORK_FLAGS);
        command.addAll(forwardedProperties());
        command.add("-D" + RELAUNCHED + "=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchRunner.class.getName());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private void run() throws IOException, RunnerException {
        long start = System.nanoTime();
        String loadAtStart = MachineDescription.loadAverage();
        Profile profile = options.profile();
        Path out = options.out();
        Files.createDirectories(out.resolve("jmh"));
        Files.createDirectories(out.resolve("logs"));

        List<BackendInfo> found = Backends.list();
        console.println("Backends found:");
        found.forEach(b -> console.println("  " + b.describe()));
        List<GemmCeiling> ceilings = GemmCeilings.all();
        console.println("Ceilings found:");
        for (GemmCeiling c : ceilings) {
            GemmCeiling.Probe p = c.probe();
            console.println("  " + c.name() + ": " + (p.available() ? "available (" + p.details() + ")"
                    : "unavailable: " + p.reason()));
        }
        if (options.listOnly) {
            return;
        }
        StringBuilder listing = new StringBuilder("Backends found:\n");
        found.forEach(b -> listing.append("  ").append(b.describe()).append("\n"));
        listing.append("Ceilings found:\n");
        for (GemmCeiling c : ceilings) {
            GemmCeiling.Probe p = c.probe();
            listing.append("  ").append(c.name()).append(": ").append(p.available() ? "available (" + p.details()
                    + ")" : "unavailable: " + p.reason()).append("\n");
        }
        Files.writeString(out.resolve("backends.txt"), listing);

        List<BackendInfo> selected = selectBackends(found);
        Map<String, String> ceilingFor = new LinkedHashMap<>();
        for (BackendInfo b : selected) {
            ceilings.stream().filter(c -> c.appliesTo(b.name()) && c.probe().available()).findFirst()
                    .ifPresent(c -> ceilingFor.put(b.name(), c.name()));
        }
        List<String> ceilingNotes = ceilingNotes(found, selected, ceilings, ceilingFor);

        List<Workload> allWorkloads = new ArrayList<>(profile.workloads());
        allWorkloads.addAll(profile.largeWorkloads());
        List<String> forkArgs = new ArrayList<>(FORK_FLAGS);
        forkArgs.addAll(forwardedProperties());

        // Ceilings first: every shape any selected backend will be compared at.
        int step = 0;
        Map<String, Set<String>> shapesByCeiling = new LinkedHashMap<>();
        for (BackendInfo b : selected) {
            String c = ceilingFor.get(b.name());
            if (c != null) {
                for (Workload w : allWorkloads) {
                    shapesByCeiling.computeIfAbsent(c, k -> new LinkedHashSet<>()).add(GemmShape.gramOf(w).label());
                }
            }
        }
        List<Path> jsonFiles = new ArrayList<>();
        List<CandidateOutcome> openBlasCandidates = List.of();
        for (Map.Entry<String, Set<String>> e : shapesByCeiling.entrySet()) {
            if (e.getKey().equals(OpenBlasSgemmCeiling.NAME)) {
                console.printf(Locale.ROOT, "[%d] %s at %s, under each OpenBLAS setting%n", ++step, e.getKey(),
                        String.join(", ", e.getValue()));
                OpenBlasCeilingSearch.Result search = searchOpenBlas(profile, forkArgs, out,
                        e.getValue().stream().map(GemmShape::parse).toList());
                openBlasCandidates = search.outcomes();
                jsonFiles.addAll(search.jmhResults());
                continue;
            }
            String id = "ceiling-" + e.getKey();
            console.printf(Locale.ROOT, "[%d] %s at %s%n", ++step, e.getKey(), String.join(", ", e.getValue()));
            ChainedOptionsBuilder ob = base(id, profile.iterations(), forkArgs, out)
                    .include("^" + Pattern.quote(GemmCeilingBenchmark.class.getName()) + "\\.sgemm$")
                    .param("ceiling", e.getKey())
                    .param("shape", e.getValue().toArray(String[]::new));
            jsonFiles.add(runJmh(ob, id, out));
        }

        for (BackendInfo b : selected) {
            boolean reference = b.name().equals(ReportModel.REFERENCE);
            for (Workload w : allWorkloads) {
                boolean large = profile.largeWorkloads().contains(w);
                List<Operation> ops = w.scoreOnly() ? List.of(Operation.SCORE) : options.operations();
                String opsText = ops.stream().map(Operation::methodName).collect(Collectors.joining(", "));
                if (reference && w.pairDims() > profile.referenceMaxPairDims()) {
                    notRun.add(new ReportInput.NotRun(b.name(), w.label(), opsText, String.format(Locale.ROOT,
                            "skipped in the %s profile: N²·D = %.2g is above its limit for the O(N²·D) float64 "
                                    + "reference (%.2g)%s", profile.name(), w.pairDims(),
                            profile.referenceMaxPairDims(),
                            profile.name().equals("quick") ? "; the full profile measures it" : "")));
                    continue;
                }
                Profile.Iterations it = large ? profile.largeIterations()
                        : reference ? profile.referenceIterations() : profile.iterations();
                List<String> args = new ArrayList<>(forkArgs);
                if (large) {
                    args.add("-Xmx" + options.largeHeap);
                }
                String id = b.name() + "-" + w.label();
                console.printf(Locale.ROOT, "[%d] %s %s: %s x %s%n", ++step, b.name(), w.label(), opsText,
                        options.metrics().stream().map(Metric::externalName).collect(Collectors.joining(", ")));
                ChainedOptionsBuilder ob = base(id, it, args, out)
                        .include("^" + Pattern.quote(LossBenchmark.class.getName()) + "\\.("
                                + ops.stream().map(Operation::methodName).collect(Collectors.joining("|")) + ")$")
                        .param("backend", b.name())
                        .param("workload", w.label())
                        .param("metric", options.metrics().stream().map(Metric::externalName).toArray(String[]::new))
                        .param("tau", Double.toString(TAU));
                for (Metric m : options.metrics()) {
                    for (Operation op : ops) {
                        planned.put(b.name() + "|" + w.label() + "|" + m.externalName() + "|" + op.methodName(),
                                "logs/" + id + ".log");
                    }
                }
                jsonFiles.add(runJmh(ob, id, out));
            }
        }

        // One JSON with every result, then the report from it.
        List<String> arrays = new ArrayList<>();
        for (Path p : jsonFiles) {
            if (Files.exists(p)) {
                arrays.add(Files.readString(p));
            }
        }
        String merged = Json.concatArrays(arrays);
        Files.writeString(out.resolve("jmh-result.json"), merged);
        List<JmhRecord> records = JmhRecord.parseAll(merged);
        reportMissing(records);
        estimateSkippedReference(records);

        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        ReportInput input = new ReportInput(profile.name(), options.command(), wall,
                MachineDescription.collect(forkArgs, profile.largeWorkloads().isEmpty() ? ""
                        : "; large workloads also -Xmx" + options.largeHeap, loadAtStart), statuses(found), ceilingStatuses(ceilings), ceilingNotes,
                openBlasCandidates, ceilingFor, notRun, records, !profile.largeWorkloads().isEmpty());
        String report = MarkdownReport.render(input);
        Files.writeString(out.resolve("report.md"), report);
        Files.writeString(out.resolve("table.md"), MarkdownReport.table(ReportModel.of(input),
                input.memoryColumns()));
        ReportChart.write(input, out.resolve("chart.png"));
        Files.writeString(out.resolve("ceiling.json"), CeilingJson.render(input));
        console.println();
        console.println(MarkdownReport.table(ReportModel.of(input), input.memoryColumns()));
        console.printf(Locale.ROOT, "Wall time %d s. Wrote %s, %s, %s, %s%n", wall.toSeconds(),
                out.resolve("jmh-result.json"), out.resolve("report.md"), out.resolve("table.md"),
                out.resolve("chart.png"));
    }

    /**
     * The OpenBLAS ceiling: every {@link OpenBlasSetting} in child JVMs of its own environment (this JVM's stays as
     * given), each checked against float64 before it is measured.
     */
    private OpenBlasCeilingSearch.Result searchOpenBlas(Profile profile, List<String> forkArgs, Path out,
                                                        List<GemmShape> shapes) {
        List<String> childArgs = new ArrayList<>(forkArgs);
        String threads = System.getProperty(OpenBlasSgemmCeiling.THREADS_PROPERTY);
        if (threads != null) {
            childArgs.add("-D" + OpenBlasSgemmCeiling.THREADS_PROPERTY + "=" + threads);
        }
        Profile.Iterations it = profile.ceilingIterations();
        ForkedCandidateRunner runner = new ForkedCandidateRunner(
                Path.of(System.getProperty("java.home"), "bin", "java"), System.getProperty("java.class.path"),
                childArgs, out.resolve("logs"), out.resolve("jmh"), it.warmups(), it.warmupSeconds(),
                it.measurements(), it.measurementSeconds());
        long t = System.nanoTime();
        OpenBlasCeilingSearch.Result result = OpenBlasCeilingSearch.run(OpenBlasSetting.candidates(), shapes,
                System.getenv(), runner, line -> console.println("    " + line));
        console.printf(Locale.ROOT, "    done in %d s (logs: %s)%n", (System.nanoTime() - t) / 1_000_000_000L,
                out.resolve("logs").resolve("ceiling-openblas-*.log"));
        return result;
    }

    private ChainedOptionsBuilder base(String id, Profile.Iterations it, List<String> jvmArgs, Path out) {
        return new OptionsBuilder()
                .forks(1)
                .warmupIterations(it.warmups())
                .warmupTime(TimeValue.seconds(it.warmupSeconds()))
                .measurementIterations(it.measurements())
                .measurementTime(TimeValue.seconds(it.measurementSeconds()))
                .jvmArgs(jvmArgs.toArray(String[]::new))
                .jvmArgsAppend()
                .addProfiler(GCProfiler.class)
                .addProfiler(PeakMemoryProfiler.class)
                .shouldFailOnError(false)
                .timeout(TimeValue.minutes(30))
                .resultFormat(ResultFormatType.JSON)
                .result(out.resolve("jmh").resolve(id + ".json").toString())
                .output(out.resolve("logs").resolve(id + ".log").toString());
    }

    private Path runJmh(ChainedOptionsBuilder ob, String id, Path out) throws RunnerException {
        long t = System.nanoTime();
        new Runner(ob.build()).run();
        console.printf(Locale.ROOT, "    done in %d s (log: %s)%n", (System.nanoTime() - t) / 1_000_000_000L,
                out.resolve("logs").resolve(id + ".log"));
        return out.resolve("jmh").resolve(id + ".json");
    }

    private List<BackendInfo> selectBackends(List<BackendInfo> found) {
        Set<String> wanted = options.backends();
        List<BackendInfo> selected = new ArrayList<>();
        Set<String> names = found.stream().map(BackendInfo::name).collect(Collectors.toSet());
        for (String w : wanted) {
            if (!names.contains(w)) {
                notRun.add(new ReportInput.NotRun(w, "*", "all", "not found on the class path (asked for with "
                        + "--backends)"));
            }
        }
        // Lowest priority first: the reference's rows come first in every group.
        List<BackendInfo> ordered = new ArrayList<>(found);
        ordered.sort((a, b) -> Integer.compare(a.priority(), b.priority()));
        for (BackendInfo b : ordered) {
            if (!wanted.isEmpty() && !wanted.contains(b.name())) {
                notRun.add(new ReportInput.NotRun(b.name(), "*", "all", "not selected (--backends)"));
            } else if (!b.available()) {
                notRun.add(new ReportInput.NotRun(b.name(), "*", "all", "unavailable: " + b.reason()));
            } else {
                selected.add(b);
            }
        }
        return selected;
    }

    private static List<String> ceilingNotes(List<BackendInfo> found, List<BackendInfo> selected,
                                             List<GemmCeiling> ceilings, Map<String, String> ceilingFor) {
        List<String> notes = new ArrayList<>();
        boolean gpuSelected = selected.stream().anyMatch(b -> GemmCeilings.isGpuBackend(b.name()));
        if (!gpuSelected) {
            String gpus = found.stream().filter(b -> GemmCeilings.isGpuBackend(b.name()))
                    .map(b -> b.name() + (b.available() ? " not selected" : " unavailable: " + b.reason()))
                    .collect(Collectors.joining("; "));
            notes.add("cuBLAS SGEMM ceiling: not measured, no GPU backend ran ("
                    + (gpus.isEmpty() ? "no GPU backend (cuda, ffm-cublas) on the class path" : gpus) + ").");
        }
        for (BackendInfo b : selected) {
            if (!ceilingFor.containsKey(b.name())) {
                String why = ceilings.stream().filter(c -> c.appliesTo(b.name()))
                        .map(c -> c.name() + " unavailable: " + c.probe().reason())
                        .collect(Collectors.joining("; "));
                notes.add("No ceiling for " + b.name() + ": " + (why.isEmpty()
                        ? "no ceiling provider for it on the class path" : why) + "; its % of ceiling is n/a.");
            }
        }
        return notes;
    }

    private void reportMissing(List<JmhRecord> records) {
        Set<String> got = new LinkedHashSet<>();
        for (JmhRecord r : records) {
            if (r.benchmarkClass().equals(ReportModel.LOSS_BENCHMARK)) {
                got.add(r.param("backend") + "|" + r.param("workload") + "|" + r.param("metric") + "|" + r.method());
            }
        }
        planned.forEach((key, log) -> {
            if (!got.contains(key)) {
                String[] k = key.split("\\|");
                notRun.add(new ReportInput.NotRun(k[0], k[1], k[2] + " " + k[3],
                        "no result: the benchmark failed (see " + log + ")"));
            }
        });
    }

    /**
     * For workloads the reference skipped: an estimate of one euclidean call (forwardBackward, or the score on a
     * score-only workload) by N²·D scaling of the largest such call measured. Stated as an estimate in the Not run
     * list; never used in the table.
     */
    private void estimateSkippedReference(List<JmhRecord> records) {
        for (int i = 0; i < notRun.size(); i++) {
            ReportInput.NotRun n = notRun.get(i);
            if (!n.backend().equals(ReportModel.REFERENCE) || !n.reason().startsWith("skipped")) {
                continue;
            }
            String op = n.what().contains(Operation.FORWARD_BACKWARD.methodName())
                    ? Operation.FORWARD_BACKWARD.methodName() : Operation.SCORE.methodName();
            JmhRecord basis = null;
            double basisPairDims = 0;
            for (JmhRecord r : records) {
                if (r.benchmarkClass().equals(ReportModel.LOSS_BENCHMARK)
                        && r.param("backend").equals(ReportModel.REFERENCE)
                        && r.param("metric").equals("euclidean") && r.method().equals(op)) {
                    double pd = Workload.parse(r.param("workload")).pairDims();
                    if (pd > basisPairDims) {
                        basis = r;
                        basisPairDims = pd;
                    }
                }
            }
            if (basis != null) {
                double estimate = basis.seconds() * Workload.parse(n.workload()).pairDims() / basisPairDims;
                notRun.set(i, new ReportInput.NotRun(n.backend(), n.workload(), n.what(), n.reason()
                        + "; ESTIMATE, not measured: about " + Format.time(estimate) + " per euclidean " + op
                        + " call, by N²·D scaling of the " + basis.param("workload") + " measurement"));
            }
        }
    }

    private static List<ReportInput.BackendStatus> statuses(List<BackendInfo> found) {
        List<BackendInfo> ordered = new ArrayList<>(found);
        ordered.sort((a, b) -> Integer.compare(a.priority(), b.priority()));
        return ordered.stream().map(b -> new ReportInput.BackendStatus(b.name(), b.priority(), b.available(),
                b.available() ? b.details() : b.reason())).toList();
    }

    private static List<ReportInput.CeilingStatus> ceilingStatuses(List<GemmCeiling> ceilings) {
        return ceilings.stream().map(c -> {
            GemmCeiling.Probe p = c.probe();
            return new ReportInput.CeilingStatus(c.name(), p.available(), p.available() ? p.details() : p.reason());
        }).toList();
    }

    /** Command-line options. */
    static final class Options {
        static final String USAGE = """
                usage: java -jar benchmarks.jar [options]
                  --profile quick|full|large  quick: standard workloads, short iterations, the reference where it
                                              is fast (default); full: longer iterations, the reference up to
                                              N^2*D = 3e10, plus the large workload; large: the large workload only
                  --backends a,b,...          backends to run (default: every available backend found)
                  --workloads NxDxK[:score],...   replace the profile's standard workloads
                  --large-workloads NxDxK,... replace the profile's large workloads (run with --large-heap)
                  --metrics euclidean,sqeuclidean,cosine   (default: all three)
                  --ops forward,forwardBackward,score      (default: all three)
                  --large-heap SIZE           -Xmx of the large workloads' JVMs (default 512m)
                  --out DIR                   output folder (default bench/results-<profile>)
                  --list                      list backends and ceilings, run nothing
                  --help
                System property bench.openblas.threads: OpenBLAS threads (default: available processors).
                Environment BENCH_COMMAND: the command written into the report (default: this command line).""";

        boolean help;
        boolean listOnly;
        String largeHeap = "512m";
        private String profileName = "quick";
        private List<Workload> workloads;
        private List<Workload> largeWorkloads;
        private List<Metric> metrics = List.of(Metric.EUCLIDEAN, Metric.SQUARED_EUCLIDEAN, Metric.COSINE);
        private List<Operation> operations = List.of(Operation.FORWARD, Operation.FORWARD_BACKWARD, Operation.SCORE);
        private Set<String> backends = Set.of();
        private Path out;
        private String[] args;

        static Options parse(String[] args) {
            Options o = new Options();
            o.args = args.clone();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--help", "-h" -> o.help = true;
                    case "--list" -> o.listOnly = true;
                    case "--profile" -> o.profileName = value(args, ++i, a);
                    case "--backends" -> {
                        String v = value(args, ++i, a);
                        o.backends = v.equals("all") ? Set.of() : new LinkedHashSet<>(split(v));
                    }
                    case "--workloads" -> o.workloads = split(value(args, ++i, a)).stream().map(Workload::parse).toList();
                    case "--large-workloads" ->
                            o.largeWorkloads = split(value(args, ++i, a)).stream().map(Workload::parse).toList();
                    case "--metrics" -> o.metrics = split(value(args, ++i, a)).stream().map(Metric::parse).toList();
                    case "--ops" -> o.operations = split(value(args, ++i, a)).stream().map(Operation::byMethodName)
                            .toList();
                    case "--large-heap" -> o.largeHeap = value(args, ++i, a);
                    case "--out" -> o.out = Path.of(value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            }
            Profile.named(o.profileName);
            return o;
        }

        Profile profile() {
            Profile p = Profile.named(profileName);
            return p.withWorkloads(workloads == null ? p.workloads() : workloads,
                    largeWorkloads == null ? p.largeWorkloads() : largeWorkloads);
        }

        List<Metric> metrics() {
            return metrics;
        }

        List<Operation> operations() {
            return operations;
        }

        Set<String> backends() {
            return backends;
        }

        Path out() {
            if (out != null) {
                return out;
            }
            String folder = "results-" + profile().name();
            return Files.isDirectory(Path.of("bench")) ? Path.of("bench", folder) : Path.of(folder);
        }

        String command() {
            String env = System.getenv("BENCH_COMMAND");
            if (env != null && !env.isBlank()) {
                return env;
            }
            return ("java -jar benchmarks.jar " + String.join(" ", args)).trim();
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static List<String> split(String v) {
            return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    static {
        // The report's chart is drawn off screen.
        System.setProperty("java.awt.headless", "true");
    }
}
