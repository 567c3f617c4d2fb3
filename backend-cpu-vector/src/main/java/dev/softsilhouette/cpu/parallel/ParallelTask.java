package dev.softsilhouette.cpu.parallel;

/**
 * A body every participating worker runs once per {@link WorkerPool#run}. Implemented by long-lived workspace
 * objects (not lambdas) so that a call allocates nothing.
 *
 * <p>The work must be claimed dynamically (a shared counter of items, or {@link ItemClaims}), never split by worker
 * index alone: the calling thread always runs the body, but a worker that had not started when the caller ran out of
 * items does not run it at all. {@code worker} may pick per-worker scratch space.
 */
@FunctionalInterface
public interface ParallelTask {
    /**
     * @param worker  this worker's index in {@code [0, workers)}; 0 is the calling thread
     * @param workers how many workers may run this task (at most)
     */
    void run(int worker, int workers);
}
