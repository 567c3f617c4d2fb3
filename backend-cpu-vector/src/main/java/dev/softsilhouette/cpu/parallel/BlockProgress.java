package dev.softsilhouette.cpu.parallel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of its tasks each block of rows has finished, for a schedule where every task touches one or two blocks
 * and the tasks of each block must run in a fixed order: a worker starts a task once the earlier tasks of its blocks
 * are done, so no worker waits for tasks that share nothing with its own (a barrier per round would). Reusable;
 * nothing is allocated per use once it has grown to the largest block count.
 */
public final class BlockProgress {
    private static final int SPINS = 2_000;

    /** Per block; not an {@code AtomicIntegerArray}, whose first use in a JVM spins up its VarHandle. */
    private AtomicInteger[] done = new AtomicInteger[0];

    /** Sets the first {@code blocks} counters to 0; call before the workers start. */
    public void reset(int blocks) {
        if (done.length < blocks) {
            AtomicInteger[] grown = new AtomicInteger[blocks];
            for (int b = 0; b < blocks; b++) {
                grown[b] = new AtomicInteger();
            }
            done = grown;
        }
        for (int b = 0; b < blocks; b++) {
            done[b].set(0);
        }
    }

    /**
     * Waits until block {@code block} has finished {@code tasks} tasks. Waiters spin briefly, then yield: on an
     * oversubscribed machine yielding lets the late worker run.
     */
    public void await(int block, int tasks) {
        int spins = 0;
        AtomicInteger counter = done[block];
        while (counter.get() < tasks) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Marks one more task of {@code block} done; what the task wrote is visible to whoever then awaits it. */
    public void finished(int block) {
        done[block].incrementAndGet();
    }
}
