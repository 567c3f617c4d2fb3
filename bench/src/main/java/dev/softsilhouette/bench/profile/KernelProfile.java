package dev.softsilhouette.bench.profile;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a recording's CPU samples fall, grouped as the kernels are built: by the kernel method a sample is in (the
 * innermost frame of a {@code dev.softsilhouette.cpu} class other than the phase dispatch, {@code compute} for the
 * serial steps between phases) and, within it, by the method of ours it called (a {@code SimdOps} operation, the
 * pool, or the kernel method itself). JFR's own views list the Vector API methods the JIT inlined, which say little
 * about which phase they serve. Samples in no kernel method (the api layer, a worker waiting for work) are grouped
 * by our innermost frame.
 *
 * <p>{@code java -cp bench/target/benchmarks.jar dev.softsilhouette.bench.profile.KernelProfile FILE.jfr [--min PCT]}
 * prints a Markdown table ({@code bench/run-profile.sh} records the file and runs this).
 */
public final class KernelProfile {
    /** The package of the CPU kernels; its {@code simd} and {@code parallel} sub-packages are not kernels. */
    private static final String KERNELS = "dev.softsilhouette.cpu.";
    private static final String OURS = "dev.softsilhouette.";
    /** Methods that dispatch to a phase rather than do one: a sample is placed by the frame inside them. */
    private static final List<String> DISPATCH = List.of("runPhase", "run");

    /** One row of the table: a group of samples and its share. */
    public record Share(String kernelMethod, String operation, int samples, double percent) {
    }

    private KernelProfile() {
    }

    /**
     * Groups stack traces, each innermost frame first and each frame {@code package.Class.method}: the kernel method
     * (or "outside the kernels") and the operation below it, largest share first, then by name.
     */
    public static List<Share> group(List<List<String>> stacks) {
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (List<String> frames : stacks) {
            int kernel = -1;
            for (int i = 0; i < frames.size(); i++) {
                if (isKernelMethod(frames.get(i))) {
                    kernel = i;
                    break;
                }
            }
            String group;
            String operation;
            if (kernel >= 0) {
                group = simpleName(frames.get(kernel));
                operation = innermostOurs(frames, kernel);
            } else {
                group = "outside the kernels";
                int ours = firstOurs(frames, frames.size());
                operation = ours >= 0 ? simpleName(frames.get(ours)) : "(JDK) " + simpleName(frames.getFirst());
            }
            counts.computeIfAbsent(group, g -> new TreeMap<>()).merge(operation, 1, Integer::sum);
        }
        int total = stacks.size();
        List<Share> shares = new ArrayList<>();
        counts.forEach((group, operations) -> operations.forEach((operation, n) ->
                shares.add(new Share(group, operation, n, total == 0 ? 0.0 : 100.0 * n / total))));
        Map<String, Integer> groupTotals = new LinkedHashMap<>();
        counts.forEach((group, operations) ->
                groupTotals.put(group, operations.values().stream().mapToInt(Integer::intValue).sum()));
        shares.sort(Comparator.comparing((Share s) -> -groupTotals.get(s.kernelMethod()))
                .thenComparing(Share::kernelMethod)
                .thenComparing(s -> -s.samples())
                .thenComparing(Share::operation));
        return shares;
    }

    /** The execution samples of a JFR file as frame lists (innermost first). */
    public static List<List<String>> executionSamples(Path jfr) throws IOException {
        List<List<String>> stacks = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                if (frame.isJavaFrame()) {
                    frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                }
            }
            if (!frames.isEmpty()) {
                stacks.add(frames);
            }
        }
        return stacks;
    }

    /** The table: one row per kernel method and operation at or above {@code minPercent}, and the rest summed. */
    public static String table(List<Share> shares, int samples, double minPercent) {
        StringBuilder out = new StringBuilder();
        out.append("Execution samples: ").append(samples).append("\n\n");
        out.append("| kernel method | operation | samples | share |\n|---|---|---:|---:|\n");
        int rest = 0;
        for (Share s : shares) {
            if (s.percent() < minPercent) {
                rest += s.samples();
                continue;
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f%% |%n", s.kernelMethod(), s.operation(),
                    s.samples(), s.percent()));
        }
        if (rest > 0) {
            out.append(String.format(Locale.ROOT, "| (rows under %.1f%%) | | %d | %.1f%% |%n", minPercent, rest,
                    100.0 * rest / samples));
        }
        return out.toString();
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--min"))) {
            System.err.println("usage: KernelProfile FILE.jfr [--min PERCENT]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            System.err.println("not a file: " + file);
            System.exit(2);
        }
        double minPercent = args.length == 3 ? Double.parseDouble(args[2]) : 0.5;
        List<List<String>> stacks = executionSamples(file);
        System.out.print(table(group(stacks), stacks.size(), minPercent));
    }

    private static boolean isKernelMethod(String frame) {
        return inKernelPackage(frame) && !isDispatch(frame);
    }

    /** Our frame the kernel method called (the one just below it, past dispatch), or "(in the method itself)". */
    private static String innermostOurs(List<String> frames, int kernel) {
        for (int i = kernel - 1; i >= 0; i--) {
            if (frames.get(i).startsWith(OURS) && !isDispatch(frames.get(i))) {
                return simpleName(frames.get(i));
            }
        }
        return "(in the method itself)";
    }

    /** A kernel class's phase dispatch ({@code PhasedKernel.run}, {@code runPhase}). */
    private static boolean isDispatch(String frame) {
        return inKernelPackage(frame) && DISPATCH.contains(frame.substring(frame.lastIndexOf('.') + 1));
    }

    /** A class of {@code dev.softsilhouette.cpu} itself, not of a sub-package ({@code simd}, {@code parallel}). */
    private static boolean inKernelPackage(String frame) {
        if (!frame.startsWith(KERNELS)) {
            return false;
        }
        String rest = frame.substring(KERNELS.length());
        int dot = rest.lastIndexOf('.');
        return dot > 0 && !rest.substring(0, dot).contains(".");
    }

    private static int firstOurs(List<String> frames, int end) {
        for (int i = 0; i < end; i++) {
            if (frames.get(i).startsWith(OURS)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code Class.method} without the package. */
    private static String simpleName(String frame) {
        int method = frame.lastIndexOf('.');
        int type = frame.lastIndexOf('.', method - 1);
        return frame.substring(type + 1);
    }
}
