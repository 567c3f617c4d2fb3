package dev.softsilhouette.bench.jmh;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Runs a benchmark's own operation until the JIT has gone quiet, before JMH's warm-up iterations. A fresh fork on a
 * small machine can still be compiling the Vector API kernels after a fixed few seconds: measured then, a cell reports
 * C1 code that boxes every vector (megabytes a call) rather than the steady state it is for. How long the first calls
 * take is {@link ColdStartBenchmark}'s measurement, not this one's.
 *
 * <p>Quiet: a window of at least {@link #WINDOW_NANOS} and {@link #WINDOW_CALLS} calls in which the compiler threads
 * worked less than {@link #QUIET_MILLIS} in all. It gives up after {@link #LIMIT_NANOS} and says so; either way one
 * line goes to the fork's output.
 */
final class JitQuiet {
    static final long WINDOW_NANOS = 500_000_000L;
    static final int WINDOW_CALLS = 2;
    /** 2% of a window: compile tasks of the operation's hot code take tens to hundreds of milliseconds each. */
    static final long QUIET_MILLIS = 10;
    static final long LIMIT_NANOS = 60_000_000_000L;

    private static volatile double sink;

    private JitQuiet() {
    }

    /**
     * Calls {@code operation} until a window is quiet or the limit has passed; returns the seconds it took, or -1
     * where this JVM does not time its compilers.
     */
    static double warm(String what, DoubleSupplier operation) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            System.out.println("JIT quiet: not measured (this JVM does not time its compilers); " + what);
            return -1;
        }
        long start = System.nanoTime();
        long windowStart = start;
        long compiledAtWindowStart = jit.getTotalCompilationTime();
        int calls = 0;
        int windowCalls = 0;
        while (true) {
            sink = operation.getAsDouble();
            calls++;
            windowCalls++;
            long now = System.nanoTime();
            if (now - windowStart < WINDOW_NANOS || windowCalls < WINDOW_CALLS) {
                continue;
            }
            long compiled = jit.getTotalCompilationTime();
            double seconds = (now - start) / 1e9;
            if (compiled - compiledAtWindowStart < QUIET_MILLIS) {
                System.out.println(String.format(Locale.ROOT, "JIT quiet after %.1f s and %d calls; %s", seconds,
                        calls, what));
                return seconds;
            }
            if (now - start >= LIMIT_NANOS) {
                System.out.println(String.format(Locale.ROOT,
                        "JIT still compiling after %.1f s and %d calls (%d ms in the last window); measuring anyway; %s",
                        seconds, calls, compiled - compiledAtWindowStart, what));
                return seconds;
            }
            windowStart = now;
            compiledAtWindowStart = compiled;
            windowCalls = 0;
        }
    }
}
