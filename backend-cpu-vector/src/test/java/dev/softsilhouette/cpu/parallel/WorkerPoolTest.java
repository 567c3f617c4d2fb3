package dev.softsilhouette.cpu.parallel;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Runs of many small tasks back to back, where workers often wake after the caller has claimed every item: each item
 * runs exactly once, no body runs after its run has returned, and a worker's failure still reaches the caller.
 */
class WorkerPoolTest {

    /** Items claimed from a shared counter, as the kernels do; counts who ran what and when. */
    private static final class CountingTask implements ParallelTask {
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger[] ran;
        final AtomicInteger lateBodies = new AtomicInteger();
        final AtomicInteger bodies = new AtomicInteger();
        volatile boolean returned;
        int items;

        CountingTask(int maxItems) {
            ran = new AtomicInteger[maxItems];
            for (int i = 0; i < maxItems; i++) {
                ran[i] = new AtomicInteger();
            }
        }

        void reset(int items) {
            this.items = items;
            next.set(0);
            bodies.set(0);
            for (int i = 0; i < items; i++) {
                ran[i].set(0);
            }
            returned = false;
        }

        @Override
        public void run(int worker, int workers) {
            if (returned) {
                lateBodies.incrementAndGet();
            }
            bodies.incrementAndGet();
            int i;
            while ((i = next.getAndIncrement()) < items) {
                ran[i].incrementAndGet();
                if ((i & 7) == 0) {
                    Thread.onSpinWait();
                }
            }
        }
    }

    @Test
    void everyItemRunsOnceAndNoBodyRunsAfterItsRun() {
        WorkerPool pool = new WorkerPool(4, "worker-pool-test");
        try {
            CountingTask[] tasks = {new CountingTask(64), new CountingTask(64)};
            for (int r = 0; r < 20_000; r++) {
                CountingTask task = tasks[r & 1]; // alternating objects: a stale worker would run the other one
                int items = 1 + r % 64;
                task.reset(items);
                pool.run(task, 4);
                task.returned = true;
                for (int i = 0; i < items; i++) {
                    assertEquals(1, task.ran[i].get(), "run " + r + " item " + i);
                }
                assertEquals(0, task.lateBodies.get(), "run " + r + ": a body ran after its run returned");
                assertEquals(true, task.bodies.get() >= 1 && task.bodies.get() <= 4, "run " + r + " bodies");
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void aWorkersFailureReachesTheCaller() {
        WorkerPool pool = new WorkerPool(2, "worker-pool-test");
        try {
            AtomicInteger next = new AtomicInteger();
            ParallelTask failing = (worker, workers) -> {
                while (next.getAndIncrement() < 1_000_000) {
                    if (worker == 1) {
                        throw new ArithmeticException("worker 1");
                    }
                }
            };
            // The caller alone may claim everything before the worker joins: try until the worker took part.
            for (int attempt = 0; attempt < 1_000; attempt++) {
                next.set(0);
                try {
                    pool.run(failing, 2);
                } catch (IllegalStateException e) {
                    assertEquals(ArithmeticException.class, e.getCause().getClass());
                    return;
                }
            }
            throw new AssertionError("the worker never joined in 1,000 runs of a million items");
        } finally {
            pool.close();
        }
    }

    @Test
    void aClosedPoolRunsOnTheCaller() {
        WorkerPool pool = new WorkerPool(3, "worker-pool-test");
        pool.close();
        CountingTask task = new CountingTask(8);
        task.reset(8);
        pool.run(task, 3);
        assertEquals(1, task.bodies.get());
        assertThrows(IllegalArgumentException.class, () -> new WorkerPool(0, "x"));
    }
}
