package dev.softsilhouette.cuda.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A GPU backend instance's workspaces: one per calling thread (made on its first call, reused after; the SPI lets
 * calls run concurrently), all closed with the backend, which then refuses every call. Workspaces of threads that
 * have ended are kept until then.
 *
 * @param <W> the workspace: device memory and a stream, which only its thread queues on
 */
public final class ThreadWorkspaces<W extends AutoCloseable> {
    private final String backend;
    private final Supplier<W> factory;
    private final ThreadLocal<W> local = new ThreadLocal<>();
    private final List<W> all = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param backend the provider name, for the message of a call after close
     * @param factory makes a workspace on the calling thread (a failure leaves nothing behind)
     */
    public ThreadWorkspaces(String backend, Supplier<W> factory) {
        this.backend = backend;
        this.factory = factory;
    }

    /** Throws {@link IllegalStateException} once {@link #close()} has run. */
    public void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("backend " + backend + " is closed");
        }
    }

    /** The calling thread's workspace, made on its first call. */
    public W get() {
        ensureOpen();
        W w = local.get();
        if (w == null) {
            synchronized (all) {
                ensureOpen();
                w = factory.get();
                all.add(w);
            }
            local.set(w);
        }
        return w;
    }

    /**
     * Closes every workspace (each waits for its stream, then frees), once; later calls do nothing. Every workspace
     * is closed even when one fails: the first failure is thrown, later ones attached. Call it when no computation
     * is in flight.
     */
    public void close() {
        RuntimeException failure = null;
        synchronized (all) {
            if (closed) {
                return;
            }
            closed = true;
            for (W w : all) {
                try {
                    w.close();
                } catch (RuntimeException e) {
                    failure = CleanupFailures.keepFirst(failure, e);
                } catch (Exception e) {
                    failure = CleanupFailures.keepFirst(failure, new IllegalStateException(e));
                }
            }
            all.clear();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
