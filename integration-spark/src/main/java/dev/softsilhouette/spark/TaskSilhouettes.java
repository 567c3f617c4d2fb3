package dev.softsilhouette.spark;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.Metric;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link BlockSilhouette} per metric and backend in each JVM (driver and executors), shared by its tasks: the
 * block operations are thread-safe and run on the calling task's thread. The backend lease lives as long as the JVM
 * (an executor has no hook that would tell when its last evaluation ended).
 */
final class TaskSilhouettes {
    private static final Map<String, BlockSilhouette> SHARED = new ConcurrentHashMap<>();

    private TaskSilhouettes() {
    }

    /** @param backend a backend name or preference list; empty for the configured choice */
    static BlockSilhouette get(Metric metric, String backend) {
        return SHARED.computeIfAbsent(metric + "|" + backend, key -> BlockSilhouette.builder().metric(metric)
                .backend(backend.isEmpty() ? null : backend).build());
    }
}
