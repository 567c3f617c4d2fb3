package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.CublasFunctions;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What one thread needs to run the backend: a stream, a cuBLAS handle bound to it, device and host buffers that
 * grow to the largest batch seen and are then reused, and the kernel-argument block. Used by its thread only;
 * {@link #close()} (from the backend's close) frees everything.
 */
final class Workspace implements KernelArguments.Target, AutoCloseable {
    /** Device buffers, by role. */
    enum Device {
        X, Z, ORDER, LABELS, OFFSETS, ROW_WEIGHTS, SILHOUETTES, CLASS_COEF_SUMS, COLUMN_MEAN, COLUMN_PARTIALS, SPREAD, ROW_SQ, ROW_OWN, NORMS, CLASS_MEAN_D, CLASS_MEAN_F, CLASS_SQ,
        CLASS_SCATTER, DOT, SUMS, COEF_F, SCALED_COEF_F, ROW_SCALE, OWN_COEF, R, T, GRAM, PARTIAL, SEGMENTS,
        ROW_SUMS, NEG_CZ, GRAD, ROW_CORRECTION, CLASS_CORRECTION
    }

    /**
     * Host buffers, by role: page-locked ({@code cuMemHostAlloc}), so that every copy is a direct asynchronous DMA.
     * What crosses per call: X, the int tables and the row weights up; N silhouettes (and the N x D gradient) down.
     */
    enum Host {
        X, ORDER, LABELS, OFFSETS, ROW_WEIGHTS, SEGMENTS, SPREAD, SILHOUETTES, GRAD
    }

    final CudaSession session;
    final MemorySegment stream;
    final MemorySegment cublas;
    private final Arena fixed = Arena.ofShared();
    final MemorySegment one;
    final MemorySegment zero;
    final MemorySegment minusOne;
    private final KernelArguments arguments;

    private final long[] devicePointers = new long[Device.values().length];
    private final long[] deviceBytes = new long[Device.values().length];
    private final Map<Host, MemorySegment> hostSegments = new EnumMap<>(Host.class);

    private boolean closed;

    Workspace(CudaSession session) {
        this.session = session;
        Driver.setCurrentContext(session.context);
        MemorySegment createdStream = Driver.streamCreate(DriverFunctions.STREAM_NON_BLOCKING);
        MemorySegment handle;
        try {
            handle = Cublas.create();
            try {
                Cublas.setStream(handle, createdStream);
                Cublas.setMathMode(handle, CublasFunctions.DEFAULT_MATH);
            } catch (RuntimeException e) {
                Cublas.destroy(handle);
                throw e;
            }
        } catch (RuntimeException e) {
            Driver.streamDestroy(createdStream);
            fixed.close();
            throw e;
        }
        this.stream = createdStream;
        this.cublas = handle;
        one = fixed.allocateFrom(JAVA_FLOAT, 1f);
        zero = fixed.allocateFrom(JAVA_FLOAT, 0f);
        minusOne = fixed.allocateFrom(JAVA_FLOAT, -1f);
        arguments = new KernelArguments(fixed, CudaSession.SIGNATURES, this);
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
                Driver.memFree(old);
            }
            long size = needed + needed / 4; // headroom so slowly growing batches do not reallocate every call
            devicePointers[i] = Driver.memAlloc(size);
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
                Driver.memFreeHost(current);
            }
            MemorySegment segment = Driver.memHostAlloc(needed + needed / 4);
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
        Driver.copyToDevice(pointer, staging, bytes, stream);
        return pointer;
    }

    /** Starts a kernel's argument list; {@link KernelArguments#launch} checks it and hands it to {@link #launch}. */
    KernelArguments args() {
        return arguments.clear();
    }

    /** Runs {@code kernel} on this workspace's stream; {@code arguments} were checked against its signature. */
    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        Driver.launch(session.function(kernel), gridX, gridY, blockX, blockY, 0, stream, arguments.parameters());
    }

    /** Blocks for a grid-stride loop over {@code total} elements with {@code threads} per block. */
    static int gridStrideBlocks(long total, int threads) {
        long blocks = (total + threads - 1) / threads;
        return (int) Math.max(1, Math.min(blocks, 1L << 20));
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            Driver.setCurrentContext(session.context);
            Driver.streamSynchronize(stream); // nothing queued may still use what is freed below
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int i = 0; i < devicePointers.length; i++) {
            if (devicePointers[i] != 0) {
                try {
                    Driver.memFree(devicePointers[i]);
                } catch (RuntimeException e) {
                    failure = keep(failure, e);
                }
                devicePointers[i] = 0;
                deviceBytes[i] = 0;
            }
        }
        try {
            Cublas.destroy(cublas);
        } catch (RuntimeException e) {
            failure = keep(failure, e);
        }
        try {
            Driver.streamDestroy(stream);
        } catch (RuntimeException e) {
            failure = keep(failure, e);
        }
        for (MemorySegment pinned : hostSegments.values()) {
            try {
                Driver.memFreeHost(pinned);
            } catch (RuntimeException e) {
                failure = keep(failure, e);
            }
        }
        hostSegments.clear();
        fixed.close();
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException keep(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
