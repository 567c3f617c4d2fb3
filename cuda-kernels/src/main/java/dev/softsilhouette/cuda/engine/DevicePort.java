package dev.softsilhouette.cuda.engine;

import java.lang.foreign.MemorySegment;

/**
 * What the engine needs of one stream on one device, and all that a binding implements: the JavaCPP one in
 * {@code backend-cuda}, the {@code java.lang.foreign} one in {@code backend-ffm-cublas}, and the test doubles that
 * stand in for a GPU. Copies, fills and launches are queued on the port's stream in call order; a failure of queued
 * work surfaces at the latest in {@link #synchronize()}. Failures are thrown as the binding's exception naming the
 * native call. Used by one thread at a time.
 */
public interface DevicePort extends KernelArguments.Target, AutoCloseable {

    /** Binds the port's device context to the calling thread (every entry on a thread does it first). */
    void makeCurrent();

    /** {@code bytes > 0} of device memory, contents undefined; the device address. */
    long allocate(long bytes);

    /** Frees what {@link #allocate} returned; nothing queued may still use it. */
    void free(long address);

    /** {@code bytes > 0} of page-locked host memory, which the asynchronous copies read and write directly. */
    MemorySegment allocatePinned(long bytes);

    /** Frees what {@link #allocatePinned} returned; nothing queued may still use it. */
    void freePinned(MemorySegment pinned);

    /** Queues a copy of {@code bytes > 0} from pinned host memory to the device. */
    void copyToDevice(long destination, MemorySegment source, long bytes);

    /** Queues a copy of {@code bytes > 0} from the device to pinned host memory. */
    void copyToHost(MemorySegment destination, long source, long bytes);

    /**
     * {@link #copyToDevice(long, MemorySegment, long)} from byte {@code sourceOffset} of {@code source}. The default
     * slices; a binding that passes addresses overrides it, so that a workspace's copies allocate nothing.
     */
    default void copyToDevice(long destination, MemorySegment source, long sourceOffset, long bytes) {
        copyToDevice(destination, source.asSlice(sourceOffset, bytes), bytes);
    }

    /** {@link #copyToHost(MemorySegment, long, long)} to byte {@code destinationOffset} of {@code destination}. */
    default void copyToHost(MemorySegment destination, long destinationOffset, long source, long bytes) {
        copyToHost(destination.asSlice(destinationOffset, bytes), source, bytes);
    }

    /** Queues setting {@code bytes > 0} bytes at {@code address} to 0 (0.0 in float and double). */
    void zero(long address, long bytes);

    /** Waits for everything queued; a failure of any of it is thrown here. */
    void synchronize();

    /**
     * Queues on this port's stream a wait for everything queued on {@code stream} so far (an event recorded on
     * {@code stream}, then waited for here; neither side blocks the host). {@code stream} is a {@code CUstream} of the
     * port's context, 0 the legacy default stream.
     */
    void waitFor(long stream);

    /** Queues on {@code stream} a wait for everything queued on this port's stream so far (the other direction). */
    void signal(long stream);

    /** Gives back the stream and its event (after {@link #synchronize()} and every free). */
    @Override
    void close();

    /**
     * For a call that failed after it may have queued work, before the failure is rethrown: waits for the stream,
     * so that nothing still in flight uses memory the next call may free, attaching the wait's own failure
     * (typically the same sticky error) to {@code failure} as suppressed.
     */
    static void drainAfter(DevicePort port, Throwable failure) {
        try {
            port.synchronize();
        } catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }
}
