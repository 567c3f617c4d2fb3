package dev.softsilhouette.bench.soak;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The process's memory at one moment: Java heap in use right after a full GC, resident set size (Linux
 * {@code /proc/self/status} VmRSS) and Native Memory Tracking's total committed memory, read in-process through the
 * DiagnosticCommand MBean ({@code vmNativeMemory summary}); the JVM must run with
 * {@code -XX:NativeMemoryTracking=summary}.
 */
record MemoryReading(long heapAfterGc, long residentSet, long nativeCommitted) {
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern VM_RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    static MemoryReading now() {
        System.gc(); // a full collection with G1 (unless -XX:+ExplicitGCInvokesConcurrent or -XX:+DisableExplicitGC)
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new MemoryReading(heap, readResidentSet(), readNativeCommitted());
    }

    private static long readResidentSet() {
        try {
            Matcher m = VM_RSS.matcher(Files.readString(Path.of("/proc/self/status")));
            if (!m.find()) {
                throw new IllegalStateException("no VmRSS line in /proc/self/status");
            }
            return Long.parseLong(m.group(1)) * 1024;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the resident set size (/proc/self/status, Linux only): " + e,
                    e);
        }
    }

    private static long readNativeCommitted() {
        String summary;
        try {
            summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[]{new String[]{"summary"}}, new String[]{String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("cannot read Native Memory Tracking: " + e, e);
        }
        Matcher m = NMT_TOTAL.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("Native Memory Tracking is off: start the JVM with "
                    + "-XX:NativeMemoryTracking=summary (" + summary.strip() + ")");
        }
        return Long.parseLong(m.group(2)) * 1024;
    }
}
