package dev.softsilhouette.bench.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** What the report says about the machine: CPU, cores, memory, OS, JDK and GPU. Linux sources, plain fallbacks. */
final class MachineDescription {
    private MachineDescription() {
    }

    /** The 1, 5 and 15 minute load averages, or "unknown": other work on the machine makes timings noisy. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static Map<String, String> collect(List<String> forkJvmArgs, String flagsNote, String loadAtStart) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CPU", cpuModel());
        m.put("Cores", Runtime.getRuntime().availableProcessors() + " available to the JVM");
        m.put("Memory", memory());
        m.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
                + System.getProperty("os.arch") + ")");
        m.put("JDK", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.name") + " "
                + System.getProperty("java.runtime.version"));
        m.put("Benchmark JVM flags", String.join(" ", forkJvmArgs) + flagsNote);
        m.put("GPU", gpu());
        String loadAtEnd = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        boolean busy = firstLoad(loadAtStart) > cores || firstLoad(loadAtEnd) > cores;
        m.put("Load average 1/5/15 min", "at start " + loadAtStart + ", at end " + loadAtEnd
                + (busy ? " (above the core count: other processes competed for the CPU, timings are noisy)" : ""));
        return m;
    }

    private static double firstLoad(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model = field(lines, "model name");
            String flags = " " + Objects.requireNonNullElse(field(lines, "flags"), "") + " ";
            String simd = flags.contains(" avx512f ") ? "AVX-512" : flags.contains(" avx2 ") ? "AVX2" : "no AVX2";
            // The model name alone ("AMD EPYC" in a VM) does not tell the microarchitecture, whose FMA width sets
            // the ceiling: family 25 is Zen 3 or 4, family 26 Zen 5.
            String family = field(lines, "cpu family");
            String number = field(lines, "model");
            return (model == null ? "unknown" : model) + ", " + simd + (family == null || number == null ? ""
                    : " (/proc/cpuinfo: family " + family + ", model " + number + ")");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    /** The value of the first {@code name : value} line whose name is exactly {@code name}, or null. */
    private static String field(List<String> lines, String name) {
        for (String l : lines) {
            int colon = l.indexOf(':');
            if (colon > 0 && l.substring(0, colon).trim().equals(name)) {
                return l.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String memory() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(l.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return "unknown";
    }

    private static String gpu() {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                    "--format=csv,noheader").redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown (nvidia-smi did not answer in 20 s)";
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || out.isEmpty()) {
                return "none found (nvidia-smi: " + (out.isEmpty() ? "exit " + p.exitValue() : out.lines()
                        .findFirst().orElse("")) + ")";
            }
            return String.join("; ", out.lines().toList());
        } catch (IOException e) {
            return "none found (no nvidia-smi on the PATH)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }
}
