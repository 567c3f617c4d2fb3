package dev.softsilhouette.bench.jmh;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class JitQuietTest {

    @Test
    void runsTheOperationForAQuietWindowAtLeast() {
        assumeTrue(ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported());
        int[] calls = {0};
        double seconds = JitQuiet.warm("test", () -> calls[0]++);
        assertTrue(seconds >= JitQuiet.WINDOW_NANOS / 1e9, "returned after " + seconds + " s, before one window");
        assertTrue(seconds < JitQuiet.LIMIT_NANOS / 1e9, "a counter never let the JIT go quiet: " + seconds + " s");
        assertTrue(calls[0] >= JitQuiet.WINDOW_CALLS, "ran " + calls[0] + " calls");
    }
}
