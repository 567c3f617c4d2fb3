package dev.softsilhouette.bench.ceiling.coretype;

import dev.softsilhouette.bench.ceiling.GemmShape;
import dev.softsilhouette.bench.ceiling.OpenBlasSgemmCeiling;
import dev.softsilhouette.bench.ceiling.SgemmCheck;
import dev.softsilhouette.bench.jmh.GemmCeilingBenchmark;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The child process of {@link ForkedCandidateRunner}, started with the environment of one {@link OpenBlasSetting}:
 * <pre>
 * check   PROPERTIES SETTING SHAPE...   load OpenBLAS, write its core name, check one product per shape
 * measure RESULT_JSON LOG SETTING WARMUPS WARMUP_S MEASUREMENTS MEASUREMENT_S SHAPE,... [JVM_ARG...]
 *                                       JMH's GemmCeilingBenchmark in a fork (which inherits this environment)
 * </pre>
 * A kernel that faults kills this process; its parent reads the exit status and the JVM's error file.
 */
public final class CandidateMain {
    static final String CORE_NAME = "coreName";
    static final String FAILURE = "failure";
    static final String WORST_RATIO = "worstRatio";

    private CandidateMain() {
    }

    public static void main(String[] args) throws IOException, RunnerException {
        switch (args[0]) {
            case "check" -> check(Path.of(args[1]), OpenBlasSetting.parse(args[2]),
                    Arrays.stream(args, 3, args.length).map(GemmShape::parse).toList());
            case "measure" -> System.exit(measure(args) ? 0 : 1);
            default -> throw new IllegalArgumentException("check or measure, not " + args[0]);
        }
    }

    private static void check(Path out, OpenBlasSetting setting, List<GemmShape> shapes) throws IOException {
        Properties p = new Properties();
        if (!setting.holdsIn(System.getenv())) {
            p.setProperty(FAILURE, "the process did not get the environment of " + setting.label());
            write(p, out);
            return;
        }
        OpenBlasSgemmCeiling openBlas = new OpenBlasSgemmCeiling();
        OpenBlasSgemmCeiling.Probe probe = openBlas.probe();
        if (!probe.available()) {
            p.setProperty(FAILURE, "OpenBLAS unavailable: " + probe.reason());
            write(p, out);
            return;
        }
        p.setProperty(CORE_NAME, openBlas.coreName());
        write(p, out); // the core name survives a kernel that faults below
        double worst = 0;
        for (GemmShape shape : shapes) {
            SgemmCheck.Verdict verdict = openBlas.verify(shape);
            worst = Math.max(worst, verdict.worstRatio());
            if (!verdict.correct()) {
                p.setProperty(FAILURE, "at " + shape.label() + ", " + verdict.describe());
                break;
            }
        }
        p.setProperty(WORST_RATIO, Double.toString(worst));
        write(p, out);
    }

    private static void write(Properties p, Path out) throws IOException {
        try (Writer w = Files.newBufferedWriter(out)) {
            p.store(w, "OpenBLAS candidate check");
        }
    }

    private static boolean measure(String[] args) throws RunnerException {
        OpenBlasSetting setting = OpenBlasSetting.parse(args[3]);
        if (!setting.holdsIn(System.getenv())) {
            System.err.println("the process did not get the environment of " + setting.label());
            return false;
        }
        String[] shapes = args[8].split(",");
        String[] jvmArgs = Arrays.copyOfRange(args, 9, args.length);
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("^" + Pattern.quote(GemmCeilingBenchmark.class.getName()) + "\\.sgemm$")
                .param("ceiling", OpenBlasSgemmCeiling.NAME)
                .param("setting", setting.label())
                .param("shape", shapes)
                .forks(1)
                .jvmArgs(jvmArgs)
                .warmupIterations(Integer.parseInt(args[4]))
                .warmupTime(TimeValue.seconds(Integer.parseInt(args[5])))
                .measurementIterations(Integer.parseInt(args[6]))
                .measurementTime(TimeValue.seconds(Integer.parseInt(args[7])))
                .shouldFailOnError(false)
                .timeout(TimeValue.minutes(10))
                .resultFormat(ResultFormatType.JSON)
                .result(args[1])
                .output(args[2])
                .build()).run();
        return results.size() == shapes.length;
    }
}
