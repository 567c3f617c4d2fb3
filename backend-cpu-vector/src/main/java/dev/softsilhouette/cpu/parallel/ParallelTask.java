package dev.softsilhouette.cpu.parallel;

/**
 * A body every participating worker runs once per {@link WorkerPool#run}. Implemented by long-lived workspace
 * objects (not lambdas) so that a call allocates nothing.
 */
@FunctionalInterface
public interface ParallelTask {
    /**
     * @param worker  this worker's index in {@code [0, workers)}; 0 is the calling thread
     * @param workers how many workers run this task
     */
    void run(int worker, int workers);
}
