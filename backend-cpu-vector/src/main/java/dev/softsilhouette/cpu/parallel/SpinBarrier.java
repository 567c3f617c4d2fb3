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
    private int parties = 1;

    /** Sets the number of parties; only while nobody waits. */
    public void reset(int parties) {
        this.parties = parties;
        arrived.set(0);
    }

    public void await() {
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
