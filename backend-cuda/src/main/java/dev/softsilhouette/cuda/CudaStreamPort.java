package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.DevicePort;
import dev.softsilhouette.cuda.engine.KernelArguments;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.foreign.MemorySegment;

/**
 * The JavaCPP binding of the engine's {@link DevicePort}: one non-blocking stream on one {@link CudaDevice}, the
 * CUDA driver API through {@code org.bytedeco.cuda.global.cudart}. Every status is checked ({@link Cuda#check}).
 * The fused tiles and the block decomposition run on it; the SGEMM strategy on {@link CudaCublasPort}, which adds a
 * cuBLAS handle.
 */
class CudaStreamPort implements DevicePort {
    private final CudaDevice device;
    private final CUstream_st stream;
    /** The argument block whose {@code void**} the launches pass (one per workspace, created with it). */
    private KernelArguments boundArguments;
    private PointerPointer<Pointer> parameters;
    /** The event of {@link #waitFor} and {@link #signal} (one suffices: a wait takes the record before it); lazy. */
    private CUevent_st event;
    /** The caller's stream of the last {@link #waitFor}/{@link #signal}, wrapped once while it stays the same. */
    private CUstream_st callerStream;

    CudaStreamPort(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        CUstream_st s = new CUstream_st();
        Cuda.check(cudart.cuStreamCreate(s, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.stream = s;
    }

    /** The stream every copy, launch (and, in {@link CudaCublasPort}, SGEMM) is queued on. */
    final CUstream_st stream() {
        return stream;
    }

    @Override
    public void makeCurrent() {
        device.makeCurrent();
    }

    @Override
    public long allocate(long bytes) {
        long[] address = new long[1];
        Cuda.check(cudart.cuMemAlloc(address, bytes), "cuMemAlloc(" + bytes + " bytes)");
        return address[0];
    }

    @Override
    public void free(long address) {
        Cuda.check(cudart.cuMemFree(address), "cuMemFree");
    }

    @Override
    public MemorySegment allocatePinned(long bytes) {
        Pointer pinned = new Pointer();
        Cuda.check(cudart.cuMemAllocHost(pinned, bytes), "cuMemAllocHost(" + bytes + " bytes)");
        return MemorySegment.ofAddress(pinned.address()).reinterpret(bytes);
    }

    @Override
    public void freePinned(MemorySegment pinned) {
        Cuda.check(cudart.cuMemFreeHost(new Cuda.RawPointer(pinned.address())), "cuMemFreeHost");
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long bytes) {
        Cuda.check(cudart.cuMemcpyHtoDAsync(destination, new Cuda.RawPointer(source.address()), bytes, stream),
                "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyToHost(MemorySegment destination, long source, long bytes) {
        Cuda.check(cudart.cuMemcpyDtoHAsync(new Cuda.RawPointer(destination.address()), source, bytes, stream),
                "cuMemcpyDtoHAsync");
    }

    @Override
    public void copyToDevice(long destination, MemorySegment source, long sourceOffset, long bytes) {
        Cuda.check(cudart.cuMemcpyHtoDAsync(destination, new Cuda.RawPointer(source.address() + sourceOffset), bytes,
                stream), "cuMemcpyHtoDAsync");
    }

    @Override
    public void copyToHost(MemorySegment destination, long destinationOffset, long source, long bytes) {
        Cuda.check(cudart.cuMemcpyDtoHAsync(new Cuda.RawPointer(destination.address() + destinationOffset), source,
                bytes, stream), "cuMemcpyDtoHAsync");
    }

    @Override
    public void zero(long address, long bytes) {
        Cuda.check(cudart.cuMemsetD8Async(address, (byte) 0, bytes, stream), "cuMemsetD8Async");
    }

    @Override
    public void synchronize() {
        Cuda.check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public void waitFor(long stream) {
        Cuda.check(cudart.cuEventRecord(event(), caller(stream)), "cuEventRecord");
        Cuda.check(cudart.cuStreamWaitEvent(this.stream, event, 0), "cuStreamWaitEvent");
    }

    @Override
    public void signal(long stream) {
        Cuda.check(cudart.cuEventRecord(event(), this.stream), "cuEventRecord");
        Cuda.check(cudart.cuStreamWaitEvent(caller(stream), event, 0), "cuStreamWaitEvent");
    }

    private CUevent_st event() {
        if (event == null) {
            CUevent_st e = new CUevent_st();
            Cuda.check(cudart.cuEventCreate(e, cudart.CU_EVENT_DISABLE_TIMING), "cuEventCreate");
            event = e;
        }
        return event;
    }

    /** The caller's raw {@code CUstream} (0: the legacy default stream) as JavaCPP passes it. */
    private CUstream_st caller(long handle) {
        if (callerStream == null || callerStream.address() != handle) {
            callerStream = new CUstream_st(new Cuda.RawPointer(handle));
        }
        return callerStream;
    }

    /** Runs {@code kernel} on the stream; {@code arguments} were checked against its signature. */
    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        if (arguments != boundArguments) { // once per workspace: the block lives as long as the workspace
            parameters = new PointerPointer<>(new Cuda.RawPointer(arguments.parameters().address()));
            boundArguments = arguments;
        }
        CUfunc_st f = device.function(kernel);
        Cuda.check(cudart.cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, 0, stream, parameters,
                (PointerPointer<?>) null), "cuLaunchKernel(" + kernel + ")");
    }

    /** Destroys the event, if any, then the stream; the first failure is thrown. */
    @Override
    public void close() {
        RuntimeException failure = null;
        if (event != null) {
            try {
                Cuda.check(cudart.cuEventDestroy(event), "cuEventDestroy");
            } catch (RuntimeException e) {
                failure = e;
            }
            event = null;
        }
        try {
            Cuda.check(cudart.cuStreamDestroy(stream), "cuStreamDestroy");
        } catch (RuntimeException e) {
            failure = dev.softsilhouette.cuda.engine.CleanupFailures.keepFirst(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
