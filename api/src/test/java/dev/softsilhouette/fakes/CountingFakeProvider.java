package dev.softsilhouette.fakes;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double that counts its instances' lives: how many were created and closed, and every contract breach (a
 * call on a closed instance, a close while a call runs, a second close). Priority -1, so {@code auto} never picks it.
 * A test may hold calls inside the backend with {@link #holdCalls()}.
 */
public final class CountingFakeProvider implements BackendProvider {
    public static final String NAME = "counting-fake";
    public static final AtomicInteger CREATED = new AtomicInteger();
    public static final AtomicInteger CLOSED = new AtomicInteger();
    public static final AtomicInteger BREACHES = new AtomicInteger();
    /** Calls of its own forward, {@code silhouettes}, which a lease must pass through as such. */
    public static final AtomicInteger OWN_FORWARDS = new AtomicInteger();
    private static volatile CountDownLatch entered;
    private static volatile CountDownLatch release;

    /** From now on, calls count down the returned latch's twin and wait for {@link #releaseCalls()}. */
    public static CountDownLatch holdCalls() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
        return entered;
    }

    public static void releaseCalls() {
        CountDownLatch r = release;
        release = null;
        r.countDown();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability probe() {
        return Availability.available("a test double that counts creations and closes");
    }

    @Override
    public SilhouetteBackend create() {
        CREATED.incrementAndGet();
        return new SilhouetteBackend() {
            private final AtomicInteger running = new AtomicInteger();
            private volatile boolean closed;

            @Override
            public String name() {
                return NAME;
            }

            @Override
            public double silhouettes(PreparedBatch batch, Metric metric, double tau, MemorySegment silhouettesOut) {
                OWN_FORWARDS.incrementAndGet();
                return silhouettesAndGradient(batch, metric, tau, 0.0, null, silhouettesOut, null);
            }

            @Override
            public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                                 MemorySegment rowWeights, MemorySegment silhouettesOut,
                                                 MemorySegment gradientOut) {
                running.incrementAndGet();
                try {
                    if (closed) {
                        BREACHES.incrementAndGet();
                    }
                    CountDownLatch r = release;
                    if (r != null) {
                        entered.countDown();
                        r.await();
                    }
                    return 0.0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } finally {
                    running.decrementAndGet();
                }
            }

            @Override
            public void close() {
                if (closed || running.get() != 0) {
                    BREACHES.incrementAndGet();
                }
                closed = true;
                CLOSED.incrementAndGet();
            }
        };
    }
}
