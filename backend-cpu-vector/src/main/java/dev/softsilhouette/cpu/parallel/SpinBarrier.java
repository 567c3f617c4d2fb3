package dev.softsilhouette.cpu.parallel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reusable sense-reversing barrier that allocates nothing per trip (unlike {@link
 * java.util.concurrent.CyclicBarrier}). Waiters spin briefly, then yield: the rounds it separates are short, and on
 * an oversubscribed machine yielding lets the late worker run.
 */
public final class SpinBarrier {
    private static final int SPINS = 2_000;

    private final AtomicInteger arrived = new AtomicInteger();
    private volatile int phase;

    /**
     * Waits until {@code parties} workers have arrived. Every worker of one pool run passes the same count (the run's
     * worker count), so a run that fell back to fewer workers never waits for absent ones.
     */
    public void await(int parties) {
        if (parties == 1) {
            return;
        }
        int p = phase;
        if (arrived.incrementAndGet() == parties) {
            arrived.set(0);
            phase = p + 1;
            return;
        }
        int spins = 0;
        while (phase == p) {
            if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
