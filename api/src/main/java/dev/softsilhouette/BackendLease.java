package dev.softsilhouette;

import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.DeviceResidentBackend;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.PreparedBlock;
import dev.softsilhouette.spi.SilhouetteBackend;
import dev.softsilhouette.spi.SupConBackend;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One holder's claim on a registry backend. Every SPI method passes through, as such, to the shared instance;
 * {@link #close()} refuses new calls, waits for the ones already running, then returns the claim to the registry,
 * which closes the instance when its last lease is closed.
 *
 * <p>A call counts itself in {@code inFlight} before it reads {@code closed}, and {@code close} sets {@code closed}
 * before it reads {@code inFlight}: either the call sees the lease closed, or {@code close} sees the call and waits.
 */
sealed class BackendLease implements SilhouetteBackend permits SupConLease {
    private final BackendRegistry.Entry entry;
    private final SilhouetteBackend backend;
    private final String holder;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** {@code holder} completes the message of a call after close: "{@code holder} (backend 'x') is closed". */
    BackendLease(BackendRegistry.Entry entry, SilhouetteBackend backend, String holder) {
        this.entry = entry;
        this.backend = backend;
        this.holder = holder;
    }

    /** A lease that implements every capability the backend does ({@link SupConBackend}). */
    static BackendLease of(BackendRegistry.Entry entry, SilhouetteBackend backend, String holder) {
        return backend instanceof SupConBackend supCon ? new SupConLease(entry, supCon, holder)
                : new BackendLease(entry, backend, holder);
    }

    @Override
    public final String name() {
        return backend.name();
    }

    boolean isClosed() {
        return closed;
    }

    /** Throws the closed-lease {@link IllegalStateException} once {@link #close()} has begun. */
    void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    /** Passed through as such: a backend may implement its forward on its own. */
    @Override
    public double silhouettes(PreparedBatch batch, Metric metric, double tau, MemorySegment silhouettesOut) {
        enter();
        try {
            return backend.silhouettes(batch, metric, tau, silhouettesOut);
        } finally {
            exit();
        }
    }

    @Override
    public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                         MemorySegment rowWeights, MemorySegment silhouettesOut,
                                         MemorySegment gradientOut) {
        enter();
        try {
            return backend.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, silhouettesOut, gradientOut);
        } finally {
            exit();
        }
    }

    @Override
    public void addClassStatistics(PreparedBlock block, Metric metric, ClassTable statistics) {
        enter();
        try {
            backend.addClassStatistics(block, metric, statistics);
        } finally {
            exit();
        }
    }

    @Override
    public double blockSilhouettes(PreparedBlock block, Metric metric, double tau, ClassTable statistics,
                                   MemorySegment silhouettesOut) {
        enter();
        try {
            return backend.blockSilhouettes(block, metric, tau, statistics, silhouettesOut);
        } finally {
            exit();
        }
    }

    @Override
    public void addEuclideanSums(PreparedBlock rows, PreparedBlock columns, double[] rowSums, double[] columnSums) {
        enter();
        try {
            backend.addEuclideanSums(rows, columns, rowSums, columnSums);
        } finally {
            exit();
        }
    }

    @Override
    public void addEuclideanSumsWithin(PreparedBlock block, double[] sums) {
        enter();
        try {
            backend.addEuclideanSumsWithin(block, sums);
        } finally {
            exit();
        }
    }

    /**
     * Throws {@link IllegalStateException} unless the backend implements {@link DeviceResidentBackend} (the GPU
     * backends): {@code what} names the call.
     */
    void requireDeviceResident(String what) {
        if (!(backend instanceof DeviceResidentBackend)) {
            throw new IllegalStateException(what + " needs a GPU backend (cuda, ffm-cublas) that reads embeddings in "
                    + "GPU memory; " + holder + " runs on backend '" + backend.name() + "': build it with "
                    + ".backend(\"cuda\") or .backend(\"ffm-cublas\")");
        }
    }

    /** The GPU-resident call, passed through; {@link #requireDeviceResident} has passed. */
    double silhouettesAndGradientOnDevice(DeviceBatch batch, Metric metric, double tau, double weight,
                                          MemorySegment silhouettesOut, long gradientOut) {
        enter();
        try {
            return ((DeviceResidentBackend) backend).silhouettesAndGradientOnDevice(batch, metric, tau, weight,
                    silhouettesOut, gradientOut);
        } finally {
            exit();
        }
    }

    /** Counts the call in, or throws if the lease is closed; a call that got in is counted out by {@link #exit}. */
    final void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw closedException();
        }
    }

    final void exit() {
        inFlight.decrementAndGet();
    }

    /** Idempotent. Waits for calls already inside the backend, then releases the lease. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        while (inFlight.get() > 0) {
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
        entry.release(backend);
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(holder + " (backend '" + backend.name() + "') is closed");
    }
}
