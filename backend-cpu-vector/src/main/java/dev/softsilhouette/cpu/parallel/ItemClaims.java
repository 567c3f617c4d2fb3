package dev.softsilhouette.cpu.parallel;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out the independent items {@code [0, count)} of a phase to workers. Each worker has a contiguous share that it
 * takes from the front; a worker whose share is done takes what is left of the others' shares from their backs (so a
 * worker that never started costs nothing). On a quiet machine a worker therefore gets the same items call after call
 * and phase after phase, and the rows it wrote are still in its own core's cache: on some machines a cache line that
 * another core wrote takes hundreds of nanoseconds to move, and a kernel whose items change cores every call spends
 * more time moving lines than computing. Which worker runs an item never changes a result.
 *
 * <p>Items must not wait for one another (a worker may take a later item of a share before its earlier ones). Reusable;
 * nothing is allocated once it has grown to the largest share count.
 */
public final class ItemClaims {
    /**
     * Per share: the next item from the front (high half), the end (low half). {@code AtomicLong}s, not an
     * {@code AtomicLongArray}: the array's first use in a JVM spins up its VarHandle, some milliseconds of a first
     * call.
     */
    private Share[] shares = new Share[0];
    private int shareCount;

    /** A share's counter, padded so that two shares' counters never sit on one cache line. */
    @SuppressWarnings("unused")
    private static final class Share extends AtomicLong {
        private long p1, p2, p3, p4, p5, p6, p7;
    }

    /** Splits {@code [0, count)} into {@code workers} contiguous shares; call before the workers start. */
    public void reset(int count, int workers) {
        int n = Math.max(1, workers);
        if (shares.length < n) {
            Share[] grown = new Share[n];
            for (int s = 0; s < n; s++) {
                grown[s] = new Share();
            }
            shares = grown;
        }
        shareCount = n;
        for (int s = 0; s < n; s++) {
            long from = (long) count * s / n;
            long to = (long) count * (s + 1) / n;
            shares[s].set(from << 32 | to);
        }
    }

    /** The next item for {@code worker}, or -1 once every item has been claimed. */
    public int next(int worker) {
        int n = shareCount;
        if (worker < n) {
            int item = take(worker, true);
            if (item >= 0) {
                return item;
            }
        }
        for (int i = 1; i <= n; i++) {
            int item = take((worker + i) % n, false);
            if (item >= 0) {
                return item;
            }
        }
        return -1;
    }

    /** The first (or last) unclaimed item of {@code share}, or -1 when it has none left. */
    private int take(int share, boolean front) {
        Share counter = shares[share];
        while (true) {
            long v = counter.get();
            int first = (int) (v >>> 32);
            int end = (int) v;
            if (first >= end) {
                return -1;
            }
            long claimed = front ? (long) (first + 1) << 32 | end : (long) first << 32 | (end - 1);
            if (counter.compareAndSet(v, claimed)) {
                return front ? first : end - 1;
            }
        }
    }
}
