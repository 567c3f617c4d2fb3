package dev.softsilhouette.cuda.engine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's memory on a {@link DevicePort}: one device allocation and one pinned host allocation, each grown to
 * the largest call seen and then reused, addressed by byte offsets of a layout the caller plans; copies between the
 * two by offset; and the kernel-argument block of the port's launches. Growing frees the old allocation: every call
 * ends with a synchronisation (or, failing, is drained with {@link DevicePort#drainAfter}), so nothing queued still
 * uses it. Not thread-safe.
 */
public class DeviceWorkspace implements AutoCloseable {
    private final DevicePort port;
    private final Arena arena = Arena.ofShared();
    private final KernelArguments arguments;
    private long deviceBase;
    private long deviceCapacity;
    private MemorySegment host = MemorySegment.NULL;

    /** Launches are checked against {@code signatures}; {@link #close()} closes {@code port} too. */
    public DeviceWorkspace(DevicePort port, KernelSignatures signatures) {
        this.port = port;
        this.arguments = new KernelArguments(arena, signatures, port);
    }

    /** The port this workspace queues on. */
    public DevicePort port() {
        return port;
    }

    /** Ensures at least {@code deviceBytes} of device memory and {@code hostBytes} of pinned memory. */
    public void reserve(long deviceBytes, long hostBytes) {
        if (deviceBytes > deviceCapacity) {
            if (deviceBase != 0) {
                long old = deviceBase;
                deviceBase = 0;
                deviceCapacity = 0;
                port.free(old);
            }
            deviceBase = port.allocate(deviceBytes);
            deviceCapacity = deviceBytes;
        }
        if (hostBytes > host.byteSize()) {
            if (host.byteSize() > 0) {
                MemorySegment old = host;
                host = MemorySegment.NULL;
                port.freePinned(old);
            }
            host = port.allocatePinned(hostBytes);
        }
    }

    /** The device address {@code offset} bytes into the device allocation. */
    public long device(long offset) {
        return deviceBase + offset;
    }

    /** The pinned host allocation (valid until the next growing {@link #reserve}). */
    public MemorySegment host() {
        return host;
    }

    /** Queues a copy of {@code bytes} (none when 0) from host offset {@code hostOffset} to device offset. */
    public void upload(long deviceOffset, long hostOffset, long bytes) {
        if (bytes > 0) {
            port.copyToDevice(deviceBase + deviceOffset, host, hostOffset, bytes);
        }
    }

    /** Queues a copy of {@code bytes} (none when 0) from device offset {@code deviceOffset} to host offset. */
    public void download(long hostOffset, long deviceOffset, long bytes) {
        if (bytes > 0) {
            port.copyToHost(host, hostOffset, deviceBase + deviceOffset, bytes);
        }
    }

    /** Queues zeroing {@code bytes} (none when 0) at device offset {@code deviceOffset}. */
    public void zero(long deviceOffset, long bytes) {
        if (bytes > 0) {
            port.zero(deviceBase + deviceOffset, bytes);
        }
    }

    /** Waits for everything queued; a failure of any of it is thrown here. */
    public void synchronize() {
        port.synchronize();
    }

    /** Starts a kernel's argument list; {@link KernelArguments#launch} checks it and launches on the port. */
    public KernelArguments args() {
        return arguments.clear();
    }

    /**
     * Waits for the stream (a failed call may have left work queued; its error was reported by that call), frees
     * both allocations and closes the port. The first failure is thrown, later ones attached.
     */
    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            port.makeCurrent();
            port.synchronize();
        } catch (RuntimeException e) {
            failure = e; // a sticky error: the frees below are still attempted
        }
        if (deviceBase != 0) {
            try {
                port.free(deviceBase);
            } catch (RuntimeException e) {
                failure = CleanupFailures.keepFirst(failure, e);
            }
            deviceBase = 0;
            deviceCapacity = 0;
        }
        if (host.byteSize() > 0) {
            try {
                port.freePinned(host);
            } catch (RuntimeException e) {
                failure = CleanupFailures.keepFirst(failure, e);
            }
            host = MemorySegment.NULL;
        }
        try {
            port.close();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        arena.close();
        if (failure != null) {
            throw failure;
        }
    }
}
