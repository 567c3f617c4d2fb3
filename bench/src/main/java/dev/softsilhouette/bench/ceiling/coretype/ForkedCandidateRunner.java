package dev.softsilhouette.bench.ceiling.coretype;

import dev.softsilhouette.bench.ceiling.GemmShape;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts {@link CandidateMain} in a JVM whose environment is the setting's (the runner's own stays as given), with
 * its output in {@code logs/} and its crash file ({@code -XX:ErrorFile}) there too, so that a faulting kernel is
 * reported with its signal.
 */
public final class ForkedCandidateRunner implements CandidateRunner {
    private static final long CHECK_TIMEOUT_MINUTES = 5;
    private static final long MEASURE_TIMEOUT_MINUTES = 30;

    private final Path java;
    private final String classPath;
    private final List<String> jvmArgs;
    private final Path logs;
    private final Path jmh;
    private final List<Integer> iterations;

    /**
     * @param java               the java launcher
     * @param classPath          the class path of this JVM (benchmarks.jar and lib/)
     * @param jvmArgs            flags for the child and for its JMH fork (module flags, forwarded properties)
     * @param logs               the report's log folder
     * @param jmh                the folder of per-run JMH JSON files
     * @param warmups            JMH warm-up iterations
     * @param warmupSeconds      their length
     * @param measurements       JMH measured iterations
     * @param measurementSeconds their length
     */
    public ForkedCandidateRunner(Path java, String classPath, List<String> jvmArgs, Path logs, Path jmh, int warmups,
                                 int warmupSeconds, int measurements, int measurementSeconds) {
        this.java = java;
        this.classPath = classPath;
        this.jvmArgs = List.copyOf(jvmArgs);
        this.logs = logs;
        this.jmh = jmh;
        this.iterations = List.of(warmups, warmupSeconds, measurements, measurementSeconds);
    }

    @Override
    public Check check(OpenBlasSetting setting, List<GemmShape> shapes) {
        String id = "ceiling-openblas-" + setting.label() + "-check";
        Path properties = logs.resolve(id + ".properties");
        List<String> args = new ArrayList<>(List.of("check", properties.toString(), setting.label()));
        shapes.forEach(s -> args.add(s.label()));
        Path errorFile = logs.resolve("hs_err-" + id + ".log");
        String ended;
        try {
            Files.deleteIfExists(properties);
            ended = start(setting, args, id, errorFile, CHECK_TIMEOUT_MINUTES);
        } catch (IOException e) {
            return new Check("", "the check process could not start: " + e, 0);
        }
        Properties p = new Properties();
        if (Files.exists(properties)) {
            try (Reader r = Files.newBufferedReader(properties)) {
                p.load(r);
            } catch (IOException e) {
                return new Check("", "the check's output could not be read: " + e, 0);
            }
        }
        String coreName = p.getProperty(CandidateMain.CORE_NAME, "");
        String failure = p.getProperty(CandidateMain.FAILURE, "");
        if (failure.isEmpty() && (!ended.isEmpty() || p.getProperty(CandidateMain.WORST_RATIO) == null)) {
            failure = "the check " + (ended.isEmpty() ? "ended without a verdict" : ended);
        }
        return new Check(coreName, failure, Double.parseDouble(p.getProperty(CandidateMain.WORST_RATIO, "0")));
    }

    @Override
    public Path measure(OpenBlasSetting setting, List<GemmShape> shapes) throws CandidateFailure {
        String id = "ceiling-openblas-" + setting.label();
        Path result = jmh.resolve(id + ".json");
        Path errorFile = logs.resolve("hs_err-" + id + ".log");
        List<String> args = new ArrayList<>(List.of("measure", result.toString(), logs.resolve(id + ".log")
                .toString(), setting.label()));
        for (int i : iterations) {
            args.add(Integer.toString(i));
        }
        args.add(shapes.stream().map(GemmShape::label).collect(Collectors.joining(",")));
        args.addAll(jvmArgs);
        args.add("-XX:ErrorFile=" + logs.resolve("hs_err-" + id + "-fork.log"));
        String ended;
        try {
            Files.deleteIfExists(result);
            ended = start(setting, args, id + "-runner", errorFile, MEASURE_TIMEOUT_MINUTES);
        } catch (IOException e) {
            throw new CandidateFailure("the measuring process could not start: " + e);
        }
        if (!ended.isEmpty() || !Files.exists(result)) {
            throw new CandidateFailure("JMH " + (ended.isEmpty() ? "wrote no result" : ended) + " (see logs/" + id
                    + ".log)");
        }
        return result;
    }

    /** Runs the child to its end; returns "" when it exited 0, else how it ended. */
    private String start(OpenBlasSetting setting, List<String> args, String id, Path errorFile, long timeoutMinutes)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(jvmArgs);
        command.add("-XX:ErrorFile=" + errorFile);
        command.add("-cp");
        command.add(classPath);
        command.add(CandidateMain.class.getName());
        command.addAll(args);
        Files.deleteIfExists(errorFile);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(id + ".log").toFile());
        setting.applyTo(pb.environment());
        Process process = pb.start();
        try {
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return "gave no answer in " + timeoutMinutes + " min";
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return "was interrupted";
        }
        int status = process.exitValue();
        return status == 0 ? "" : ended(status, errorFile);
    }

    /** "faulted: SIGILL (0x4) at pc=... (exit status 134)", or the exit status alone. */
    static String ended(int status, Path errorFile) {
        String signal = "";
        if (Files.exists(errorFile)) {
            try (var lines = Files.lines(errorFile)) {
                signal = lines.filter(l -> l.startsWith("#  SIG")).findFirst().map(l -> l.substring(1).trim())
                        .orElse("");
            } catch (IOException | java.io.UncheckedIOException e) {
                signal = "";
            }
        }
        return signal.isEmpty()
                ? String.format(Locale.ROOT, "exited with status %d", status)
                : String.format(Locale.ROOT, "faulted: %s (exit status %d, logs/%s)", signal, status,
                errorFile.getFileName());
    }
}
