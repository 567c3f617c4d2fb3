package dev.softsilhouette.cuda.engine.sgemm;

import dev.softsilhouette.cuda.engine.CleanupFailures;
import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.engine.SgemmPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What one thread needs to run {@link SgemmStrategy}, on the engine's {@link SgemmPort} (no binding below it): device
 * and page-locked host buffers by role that grow to the largest batch seen and are then reused, and the
 * kernel-argument block. The port (either binding's SGEMM port on a GPU) holds the stream and its cuBLAS handle.
 * Used by its thread only; {@link #close()} (from the backend's close) frees everything.
 */
public final class SgemmWorkspace implements AutoCloseable {
    /** Device buffers, by role. */
    enum Device {
        X, Z, ORDER, LABELS, OFFSETS, ROW_WEIGHTS, SILHOUETTES, CLASS_COEF_SUMS, COLUMN_MEAN, COLUMN_PARTIALS, SPREAD, ROW_SQ, ROW_OWN, NORMS, CLASS_MEAN_D, CLASS_MEAN_F, CLASS_SQ,
        CLASS_SCATTER, DOT, SUMS, COEF_F, SCALED_COEF_F, ROW_SCALE, OWN_COEF, R, T, GRAM, PARTIAL, SEGMENTS,
        ROW_SUMS, NEG_CZ, GRAD, ROW_CORRECTION, CLASS_CORRECTION, FLAG
    }

    /**
     * Host buffers, by role: page-locked ({@code cuMemHostAlloc}), so that every copy is a direct asynchronous DMA.
     * What crosses per call: X, the int tables and the row weights up; N silhouettes (and the N x D gradient) down.
     * A GPU-resident call uses neither X nor GRAD (the caller's are read and written in place).
     */
    enum Host {
        X, ORDER, LABELS, OFFSETS, ROW_WEIGHTS, SEGMENTS, SPREAD, SILHOUETTES, GRAD, FLAG
    }

    /** The stream every copy, launch and SGEMM of this workspace is queued on. */
    final SgemmPort port;
    private final Arena fixed = Arena.ofShared();
    private final KernelArguments arguments;

    private final long[] devicePointers = new long[Device.values().length];
    private final long[] deviceBytes = new long[Device.values().length];
    private final Map<Host, MemorySegment> hostSegments = new EnumMap<>(Host.class);

    private boolean closed;

    /** Owns {@code port} from here on: {@link #close()} closes it. */
    public SgemmWorkspace(SgemmPort port) {
        this.port = port;
        this.arguments = new KernelArguments(fixed, SgemmKernel.SIGNATURES, port);
    }

    /** A device buffer of at least {@code bytes} (contents undefined); grows, never shrinks. */
    long device(Device role, long bytes) {
        int i = role.ordinal();
        long needed = Math.max(bytes, 16);
        if (deviceBytes[i] < needed) {
            if (devicePointers[i] != 0) {
                long old = devicePointers[i];
                devicePointers[i] = 0;
                deviceBytes[i] = 0;
                port.free(old);
            }
            long size = needed + needed / 4; // headroom so slowly growing batches do not reallocate every call
            devicePointers[i] = port.allocate(size);
            deviceBytes[i] = size;
        }
        return devicePointers[i];
    }

    /**
     * A page-locked host buffer of at least {@code bytes}; grows, never shrinks. Growing frees the old buffer: every
     * call ends with (or, failing, is followed by) a stream synchronisation, so no copy still uses it.
     */
    MemorySegment host(Host role, long bytes) {
        long needed = Math.max(bytes, 16);
        MemorySegment current = hostSegments.get(role);
        if (current == null || current.byteSize() < needed) {
            if (current != null) {
                hostSegments.remove(role);
                port.freePinned(current);
            }
            MemorySegment segment = port.allocatePinned(needed + needed / 4);
            hostSegments.put(role, segment);
            return segment;
        }
        return current;
    }

    /** Copies {@code values[0..count)} into the host buffer {@code role}, then to the device buffer of the same role. */
    long uploadInts(Host hostRole, Device deviceRole, int[] values, int count) {
        long bytes = (long) count * Integer.BYTES;
        MemorySegment staging = host(hostRole, bytes);
        MemorySegment.copy(values, 0, staging, JAVA_INT, 0, count);
        long pointer = device(deviceRole, bytes);
        port.copyToDevice(pointer, staging, bytes);
        return pointer;
    }

    /** Starts a kernel's argument list; {@link KernelArguments#launch} checks it and launches it on the port. */
    KernelArguments args() {
        return arguments.clear();
    }

    /** Waits for the stream, frees every buffer and closes the port, even when the wait fails (then thrown). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            port.makeCurrent();
            port.synchronize(); // nothing queued may still use what is freed below
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int i = 0; i < devicePointers.length; i++) {
            if (devicePointers[i] != 0) {
                try {
                    port.free(devicePointers[i]);
                } catch (RuntimeException e) {
                    failure = CleanupFailures.keepFirst(failure, e);
                }
                devicePointers[i] = 0;
                deviceBytes[i] = 0;
            }
        }
        for (MemorySegment pinned : hostSegments.values()) {
            try {
                port.freePinned(pinned);
            } catch (RuntimeException e) {
                failure = CleanupFailures.keepFirst(failure, e);
            }
        }
        hostSegments.clear();
        try {
            port.close();
        } catch (RuntimeException e) {
            failure = CleanupFailures.keepFirst(failure, e);
        }
        fixed.close();
        if (failure != null) {
            throw failure;
        }
    }
}
