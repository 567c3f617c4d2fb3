package dev.softsilhouette.cpu.parallel;

import java.lang.foreign.MemorySegment;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed set of daemon worker threads that run one {@link ParallelTask} at a time, the calling thread taking part
 * as worker 0. Nothing is allocated per run.
 *
 * <p>The pool serves one call at a time. A call that finds it busy runs its task alone ({@code workers = 1}); the
 * kernels partition their work independently of the worker count, so the result is the same bits either way. For
 * the same reason a run waits only for the workers that joined before the caller ran out of work.
 */
public final class WorkerPool {
    private static final int SPINS = 20_000;

    private final int size;
    private final Thread[] threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger finished = new AtomicInteger();
    /**
     * Who takes part in the current run: its generation in the high 32 bits, {@link #CLOSED} once the caller has run
     * out of work, and the count of workers that joined before that. A worker the scheduler has not run yet when the
     * caller is done is left out instead of waited for: on a machine where another process holds the cores, waking a
     * parked worker can take milliseconds, many times a small call's work.
     */
    private final AtomicLong gate = new AtomicLong();
    private static final long CLOSED = 1L << 31;
    private volatile int generation;
    private volatile ParallelTask task;
    private volatile int workers;
    private volatile Throwable failure;
    private volatile boolean closed;
    /** The most workers a run may use now (at most {@link #size}). */
    private volatile int limit;

    /** @param size total workers including the caller; 1 starts no thread */
    public WorkerPool(int size, String name) {
        if (size < 1) {
            throw new IllegalArgumentException("size: must be >= 1, got " + size);
        }
        this.size = size;
        this.limit = size;
        this.threads = new Thread[size - 1];
        for (int w = 1; w < size; w++) {
            int id = w;
            Thread t = new Thread(() -> loop(id), name + "-" + w);
            t.setDaemon(true);
            threads[w - 1] = t;
            t.start();
        }
    }

    /** Caps the workers of later runs at {@code workers} (1 to {@link #size}). */
    public void limit(int workers) {
        this.limit = Math.min(Math.max(workers, 1), size);
    }

    /** The number of workers, the caller included. */
    public int size() {
        return size;
    }

    /**
     * Runs {@code task} on up to {@code wanted} workers (at least the caller) and returns when every one has finished.
     * An exception thrown by any worker propagates to the caller.
     */
    public void run(ParallelTask task, int wanted) {
        int n = Math.min(Math.max(wanted, 1), limit);
        if (n == 1 || closed || !lock.tryLock()) {
            task.run(0, 1);
            return;
        }
        try {
            int next = generation + 1;
            this.task = task;
            this.workers = n;
            finished.set(0);
            failure = null;
            gate.set((long) next << 32);
            generation = next; // publishes task, workers and the open gate
            for (int w = 1; w < n; w++) {
                LockSupport.unpark(threads[w - 1]);
            }
            try {
                task.run(0, n);
            } finally {
                // The tasks claim their items dynamically, so when the caller returns every item is claimed: wait
                // only for the workers that joined (each finishing what it claimed), and keep the others out.
                int joined = (int) (gate.getAndAdd(CLOSED) & (CLOSED - 1));
                int spins = 0;
                while (finished.get() < joined) {
                    if (++spins < SPINS) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield();
                    }
                }
                this.task = null;
            }
            Throwable f = failure;
            if (f != null) {
                throw new IllegalStateException("cpu-vector worker failed: " + f, f);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the worker threads once they are idle and waits for them to end; later runs use the calling thread only.
     * Idempotent.
     */
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Thread t : threads) {
                LockSupport.unpark(t);
            }
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // finish waiting: the threads are about to end; keep the interrupt
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every worker thread may access {@code segment} (a confined segment is its owner thread's only). */
    public boolean reaches(MemorySegment segment) {
        for (Thread t : threads) {
            if (!segment.isAccessibleBy(t)) {
                return false;
            }
        }
        return true;
    }

    private void loop(int id) {
        int seen = 0;
        while (!closed) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = generation;
            ParallelTask t = task;
            int n = workers;
            if (t != null && id < n && join(seen)) {
                try {
                    t.run(id, n);
                } catch (Throwable e) {
                    failure = e; // rethrown by the caller once every worker is done
                } finally {
                    finished.incrementAndGet();
                }
            }
        }
    }

    /**
     * Joins run {@code generation} if it is still the current one and open. Success also proves that the task and
     * worker count read after the generation belong to it: the caller writes the next run's only after closing this.
     */
    private boolean join(int generation) {
        while (true) {
            long g = gate.get();
            if ((int) (g >>> 32) != generation || (g & CLOSED) != 0) {
                return false;
            }
            if (gate.compareAndSet(g, g + 1)) {
                return true;
            }
        }
    }
}
