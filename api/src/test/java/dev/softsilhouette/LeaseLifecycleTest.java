package dev.softsilhouette;

import dev.softsilhouette.fakes.CountingFakeProvider;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SupConBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backends are leased: every loss on a backend shares one instance, the last close closes it, and a later build
 * creates a new one. Checked on {@code counting-fake}, which counts its instances' lives and every breach of the
 * SPI's close contract (a call after close, a close during a call, a second close).
 */
class LeaseLifecycleTest {
    private static final float[] X = {0f, 0f, 1f, 1f, 5f, 5f, 6f, 6f};
    private static final int[] Y = {0, 0, 1, 1};

    private static SoftSilhouetteLoss fakeLoss() {
        return SoftSilhouetteLoss.builder().backend(CountingFakeProvider.NAME).build();
    }

    @AfterEach
    void everyLeaseIsClosedAndNoContractWasBroken() {
        assertEquals(0, BackendRegistry.get().openLeases(CountingFakeProvider.NAME));
        assertEquals(0, CountingFakeProvider.BREACHES.get());
    }

    @Test
    void lossesShareOneInstanceAndTheLastCloseClosesIt() {
        int created = CountingFakeProvider.CREATED.get();
        int closed = CountingFakeProvider.CLOSED.get();
        SoftSilhouetteLoss a = fakeLoss();
        SoftSilhouetteLoss b = a.toBuilder().metric(Metric.COSINE).build();
        SilhouetteBackend direct = Backends.backend(CountingFakeProvider.NAME);
        assertEquals(created + 1, CountingFakeProvider.CREATED.get(), "one instance for three leases");
        assertEquals(3, BackendRegistry.get().openLeases(CountingFakeProvider.NAME));

        a.close();
        direct.close();
        assertEquals(closed, CountingFakeProvider.CLOSED.get(), "a lease is still open");
        int forwards = CountingFakeProvider.OWN_FORWARDS.get();
        b.forward(X, Y, 2);
        assertEquals(forwards + 1, CountingFakeProvider.OWN_FORWARDS.get(), "the backend's own forward runs");
        b.close();
        assertEquals(closed + 1, CountingFakeProvider.CLOSED.get(), "the last close closes the instance");

        try (SoftSilhouetteLoss again = a.toBuilder().build()) {
            assertEquals(created + 2, CountingFakeProvider.CREATED.get(), "a later build creates a new instance");
            again.forward(X, Y, 2);
        }
        assertEquals(closed + 2, CountingFakeProvider.CLOSED.get());
    }

    @Test
    void everyCallOnAClosedLossIsAnIllegalStateExceptionThatSaysSo() {
        SoftSilhouetteLoss loss = fakeLoss();
        SoftSilhouetteLoss none = loss.toBuilder().reduction(Reduction.NONE).build();
        loss.close();
        none.close();
        loss.close(); // idempotent
        assertTrue(loss.isClosed());
        Floats x = Floats.of(X);
        Ints y = Ints.of(Y);
        Floats four = Floats.of(new float[4]);
        Floats grad = Floats.of(new float[8]);
        List<Executable> calls = List.of(
                () -> loss.forward(x, y, 4, 2),
                () -> none.forward(x, y, 4, 2, four),
                () -> loss.backward(x, y, 4, 2, 1.0, grad),
                () -> none.backward(x, y, 4, 2, four, grad),
                () -> loss.forwardBackward(x, y, 4, 2, grad),
                () -> none.forwardBackward(x, y, 4, 2, four, Floats.of(new float[4]), grad),
                () -> loss.score(x, y, 4, 2),
                () -> loss.samples(x, y, 4, 2, four),
                () -> loss.forward(X, Y, 2),
                () -> loss.forwardBackward(X, Y, 2, new float[8]),
                () -> loss.score(X, Y, 2),
                () -> loss.forwardFloat64(new double[8], Y, 2),
                () -> loss.forwardBackwardFloat64(new double[8], Y, 2, new double[8]),
                () -> loss.forward(null, null, -1, 0)); // closed wins over bad arguments
        for (Executable call : calls) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("this SoftSilhouetteLoss (backend 'counting-fake') is closed", e.getMessage());
        }
        assertEquals("counting-fake", loss.backendName(), "settings stay readable");
    }

    @Test
    void aCallOnAClosedDirectLeaseIsAnIllegalStateException() {
        SilhouetteBackend lease = Backends.backend(CountingFakeProvider.NAME);
        lease.close();
        lease.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> lease.silhouettes(null, Metric.EUCLIDEAN, 0.1, null));
        assertTrue(e.getMessage().contains("Backends.backend") && e.getMessage().endsWith("is closed"),
                e.getMessage());
    }

    @Test
    void aLeasePassesEverySpiMethodThroughAsSuch() throws NoSuchMethodException {
        // A backend may override any default (its own forward, its block kernels): the lease must not bypass one.
        for (Method m : SilhouetteBackend.class.getMethods()) {
            Method declared = BackendLease.class.getMethod(m.getName(), m.getParameterTypes());
            assertEquals(BackendLease.class, declared.getDeclaringClass(), m.getName() + " is not passed through");
        }
        for (Method m : SupConBackend.class.getDeclaredMethods()) {
            Method declared = SupConLease.class.getMethod(m.getName(), m.getParameterTypes());
            assertEquals(SupConLease.class, declared.getDeclaringClass(), m.getName() + " is not passed through");
        }
    }

    @Test
    void closedSupConAndHybridLossesRefuseEveryCall() {
        SupConLoss supCon = SupConLoss.builder().backend("reference").build();
        HybridLoss hybrid = HybridLoss.builder().backend("reference").build();
        assertTrue(Double.isFinite(supCon.forward(Floats.of(X), Ints.of(Y), 4, 2)), "open: it runs");
        supCon.close();
        hybrid.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> supCon.forward(Floats.of(X), Ints.of(Y), 4, 2));
        assertEquals("this SupConLoss (backend 'reference') is closed", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> hybrid.forward(Floats.of(X), Ints.of(Y), 4, 2));
        assertEquals("this HybridLoss (backend 'reference') is closed", e.getMessage());
    }

    @Test
    void aClosedBlockSilhouetteRefusesEveryOperation() {
        int closed = CountingFakeProvider.CLOSED.get();
        BlockSilhouette blocks = BlockSilhouette.builder().backend(CountingFakeProvider.NAME).build();
        blocks.close();
        assertEquals(closed + 1, CountingFakeProvider.CLOSED.get());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> blocks.shift(null));
        assertEquals("this BlockSilhouette (backend 'counting-fake') is closed", e.getMessage());
    }

    @Test
    void closeWaitsForTheCallsAlreadyRunning() throws Exception {
        int closed = CountingFakeProvider.CLOSED.get();
        SoftSilhouetteLoss loss = fakeLoss();
        CountDownLatch entered = CountingFakeProvider.holdCalls();
        Thread caller = new Thread(() -> loss.forward(X, Y, 2), "held-caller");
        caller.start();
        entered.await();
        Thread closer = new Thread(loss::close, "closer");
        closer.start();
        // The closer refuses new calls at once, then waits for the held one (parked) or, if broken, returns.
        while (!loss.isClosed() || closer.getState() != Thread.State.TIMED_WAITING
                && closer.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        assertEquals(closed, CountingFakeProvider.CLOSED.get(), "closed while a call was running");
        assertThrows(IllegalStateException.class, () -> loss.forward(X, Y, 2));
        CountingFakeProvider.releaseCalls();
        caller.join();
        closer.join();
        assertEquals(closed + 1, CountingFakeProvider.CLOSED.get());
        assertFalse(caller.isAlive());
    }
}
