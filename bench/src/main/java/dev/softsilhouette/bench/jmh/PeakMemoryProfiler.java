package dev.softsilhouette.bench.jmh;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.ScalarResult;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak memory of the forked benchmark JVM, per iteration, as JMH secondary results:
 * <ul>
 *   <li>{@code mem.heap.peak} (MiB): the sum over heap pools of each pool's peak use during the iteration (an upper
 *       bound of the heap's peak; garbage not yet collected counts);</li>
 *   <li>{@code mem.rss.peak} (MiB): the process's peak resident set ({@code VmHWM}, Linux), which includes native
 *       and off-heap memory; it is the peak since the JVM started, so the largest iteration's.</li>
 * </ul>
 * With {@code -Xmx} on the fork, {@code mem.heap.peak} shows how close a call came to the limit.
 */
public final class PeakMemoryProfiler implements InternalProfiler {
    /** For JMH ({@code addProfiler}). */
    public PeakMemoryProfiler() {
    }

    public static final String HEAP_PEAK = "mem.heap.peak";
    public static final String RSS_PEAK = "mem.rss.peak";
    private static final double MIB = 1024.0 * 1024.0;

    @Override
    public String getDescription() {
        return "peak heap (sum of pool peaks) and peak RSS of the benchmark JVM";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
                pool.resetPeakUsage();
            }
        }
    }

    @Override
    public List<ScalarResult> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                 IterationResult result) {
        long heap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.isValid() && pool.getPeakUsage() != null) {
                heap += pool.getPeakUsage().getUsed();
            }
        }
        List<ScalarResult> results = new ArrayList<>(2);
        results.add(new ScalarResult(HEAP_PEAK, heap / MIB, "MiB", AggregationPolicy.MAX));
        long rssKiB = peakResidentKiB();
        if (rssKiB > 0) {
            results.add(new ScalarResult(RSS_PEAK, rssKiB / 1024.0, "MiB", AggregationPolicy.MAX));
        }
        return results;
    }

    /** {@code VmHWM} from {@code /proc/self/status} in KiB, or -1 where there is none. */
    static long peakResidentKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
