package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;

import java.lang.foreign.MemorySegment;

/**
 * The {@code java.lang.foreign} binding of the engine's device port: one non-blocking stream on the session's
 * device. The block decomposition's EUCLIDEAN tiles run on this plain port (they queue no SGEMM, so they hold no
 * cuBLAS handle); the SGEMM strategy runs on {@link FfmCublasPort}, which adds one. The driver downcalls validate
 * their arguments and turn every failing status into a {@code BackendFailureException}.
 */
class FfmStreamPort implements DevicePort {
    private final CudaSession session;
    /** The stream every copy, launch (and, in {@link FfmCublasPort}, SGEMM) is queued on. */
    final MemorySegment stream;
    /** The event of {@link #waitFor} and {@link #signal} (one suffices: a wait takes the record before it); lazy. */
    private MemorySegment event = MemorySegment.NULL;

    FfmStreamPort(CudaSession session) {
        this.session = session;
        Driver.setCurrentContext(session.context);
        this.stream = Driver.streamCreate(DriverFunctions.STREAM_NON_BLOCKING);
    }

    @Override
    public void makeCurrent() {
        Driver.setCurrentContext(session.context);
    }

    @Override
    public long allocate(long bytes) {
        return Driver.memAlloc(bytes);
    }

    @Override
    public void free(long address) {
        Driver.memFree(address);
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        return Driver.memHostAlloc(bytes);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        Driver.memFreeHost(pinned);
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        Driver.copyToDevice(destination, source, bytes, stream);
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        Driver.copyToHost(destination, source, bytes, stream);
    }

    @Override
    public void zero(long address, long bytes) {
        Driver.zero(address, bytes, stream);
    }

    @Override
    public void synchronize() {
        Driver.streamSynchronize(stream);
    }

    @Override
    public void waitFor(long callerStream) {
        Driver.eventRecord(event(), MemorySegment.ofAddress(callerStream));
        Driver.streamWaitEvent(stream, event);
    }

    @Override
    public void signal(long callerStream) {
        Driver.eventRecord(event(), stream);
        Driver.streamWaitEvent(MemorySegment.ofAddress(callerStream), event);
    }

    private MemorySegment event() {
        if (event.equals(MemorySegment.NULL)) {
            event = Driver.eventCreate(DriverFunctions.EVENT_DISABLE_TIMING);
        }
        return event;
    }

    /** Runs {@code kernel} on the stream; {@code arguments} were checked against its signature. */
    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        Driver.launch(session.function(kernel), gridX, gridY, blockX, blockY, 0, stream, arguments.parameters());
    }

    /** Destroys the event, if any, and the stream (after the workspace waited for it and freed its memory). */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (!event.equals(MemorySegment.NULL)) {
            try {
                Driver.eventDestroy(event);
            } catch (RuntimeException e) {
                failure = e;
            }
            event = MemorySegment.NULL;
        }
        try {
            Driver.streamDestroy(stream);
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
