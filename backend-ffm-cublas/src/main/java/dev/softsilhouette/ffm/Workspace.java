package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.KernelSignature;
import dev.softsilhouette.ffm.cuda.Cublas;
import dev.softsilhouette.ffm.cuda.CublasFunctions;
import dev.softsilhouette.ffm.cuda.Driver;
import dev.softsilhouette.ffm.cuda.DriverFunctions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * What one thread needs to run the backend: a stream, a cuBLAS handle bound to it, device and host buffers that
 * grow to the largest batch seen and are then reused, and the kernel-argument block. Used by its thread only;
 * {@link #close()} (from the backend's close) frees everything.
 */
final class Workspace implements AutoCloseable {
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

    private static final int MAX_KERNEL_ARGS = 16;

    final CudaSession session;
    final MemorySegment stream;
    final MemorySegment cublas;
    private final Arena fixed = Arena.ofShared();
    final MemorySegment one;
    final MemorySegment zero;
    final MemorySegment minusOne;
    private final MemorySegment argValues;
    private final MemorySegment argPointers;
    private int argCount;
    private final KernelSignature.Kind[] argKinds = new KernelSignature.Kind[MAX_KERNEL_ARGS];

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
        argValues = fixed.allocate(JAVA_LONG, MAX_KERNEL_ARGS);
        argPointers = fixed.allocate(ADDRESS, MAX_KERNEL_ARGS);
        for (int i = 0; i < MAX_KERNEL_ARGS; i++) {
            argPointers.setAtIndex(ADDRESS, i, argValues.asSlice((long) i * Long.BYTES, Long.BYTES));
        }
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

    // Kernel arguments: values in a fixed native block, pointed to by the parameter array cuLaunchKernel reads.

    Workspace args() {
        argCount = 0;
        return this;
    }

    Workspace ptr(long devicePointer) {
        argValues.setAtIndex(JAVA_LONG, next(KernelSignature.Kind.POINTER), devicePointer);
        return this;
    }

    Workspace i32(int value) {
        argValues.set(JAVA_INT, (long) next(KernelSignature.Kind.INT) * Long.BYTES, value);
        return this;
    }

    Workspace f64(double value) {
        argValues.setAtIndex(JAVA_DOUBLE, next(KernelSignature.Kind.DOUBLE), value);
        return this;
    }

    private int next(KernelSignature.Kind kind) {
        if (argCount == MAX_KERNEL_ARGS) {
            throw new IllegalStateException("more than " + MAX_KERNEL_ARGS + " kernel arguments");
        }
        argKinds[argCount] = kind;
        return argCount++;
    }

    /**
     * Launches {@code kernel} with the arguments set since {@link #args()}, after checking them against its
     * parameter kinds parsed from the compiled source; a 1-D grid of {@code blocks} x {@code threads}.
     */
    void launch(FfmKernel kernel, int blocks, int threads) {
        launch(kernel, blocks, 1, threads);
    }

    /** The same on a 2-D grid of {@code blocksX x blocksY} blocks. */
    void launch(FfmKernel kernel, int blocksX, int blocksY, int threads) {
        session.launchSignature(kernel).check(argKinds, argCount);
        Driver.launch(session.function(kernel), blocksX, blocksY, threads, 0, stream, argPointers);
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
