package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.KernelArguments;
import dev.softsilhouette.cuda.plan.EuclideanTilePlan;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's device state: a stream, one device allocation and one pinned host allocation (each grown to the
 * largest call seen, then reused), the kernel argument block, and the last EUCLIDEAN tile plan. Not thread-safe:
 * the backend gives each thread its own.
 */
final class CudaWorkspace implements DeviceStream, AutoCloseable {
    private final CudaDevice device;
    final CUstream_st stream;
    private long deviceBase;
    private long deviceCapacity;
    private Pointer hostBase;
    private long hostCapacity;
    private MemorySegment host = MemorySegment.NULL;
    /** Holds the kernel-argument block for the workspace's life. */
    private final Arena arena = Arena.ofShared();
    private final KernelArguments arguments;
    /** The argument block's {@code void**} as the JavaCPP type cuLaunchKernel takes. */
    private final PointerPointer<Pointer> parameters;
    private EuclideanTilePlan plan;

    CudaWorkspace(CudaDevice device) {
        this.device = device;
        device.makeCurrent();
        CUstream_st s = new CUstream_st();
        Cuda.check(cudart.cuStreamCreate(s, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        this.stream = s;
        arguments = new KernelArguments(arena, device.signatures(), this);
        parameters = new PointerPointer<>(new Cuda.RawPointer(arguments.parameters().address()));
    }

    /** Ensures at least {@code deviceBytes} of device memory and {@code hostBytes} of pinned memory. */
    @Override
    public void reserve(long deviceBytes, long hostBytes) {
        if (deviceBytes > deviceCapacity) {
            if (deviceBase != 0) {
                Cuda.check(cudart.cuMemFree(deviceBase), "cuMemFree");
                deviceBase = 0;
                deviceCapacity = 0;
            }
            long[] address = new long[1];
            Cuda.check(cudart.cuMemAlloc(address, deviceBytes), "cuMemAlloc(" + deviceBytes + " bytes)");
            deviceBase = address[0];
            deviceCapacity = deviceBytes;
        }
        if (hostBytes > hostCapacity) {
            if (hostBase != null) {
                Cuda.check(cudart.cuMemFreeHost(hostBase), "cuMemFreeHost");
                hostBase = null;
                hostCapacity = 0;
                host = MemorySegment.NULL;
            }
            Pointer pinned = new Pointer();
            Cuda.check(cudart.cuMemAllocHost(pinned, hostBytes), "cuMemAllocHost(" + hostBytes + " bytes)");
            hostBase = pinned;
            hostCapacity = hostBytes;
            host = MemorySegment.ofAddress(pinned.address()).reinterpret(hostBytes);
        }
    }

    @Override
    public long device(long offset) {
        return deviceBase + offset;
    }

    /** The pinned host memory as a segment (valid until the next growing {@link #reserve}). */
    @Override
    public MemorySegment host() {
        return host;
    }

    @Override
    public void upload(long deviceOffset, long hostOffset, long bytes) {
        if (bytes > 0) {
            Cuda.check(cudart.cuMemcpyHtoDAsync(deviceBase + deviceOffset,
                    new Cuda.RawPointer(hostBase.address() + hostOffset), bytes, stream), "cuMemcpyHtoDAsync");
        }
    }

    @Override
    public void download(long hostOffset, long deviceOffset, long bytes) {
        if (bytes > 0) {
            Cuda.check(cudart.cuMemcpyDtoHAsync(new Cuda.RawPointer(hostBase.address() + hostOffset),
                    deviceBase + deviceOffset, bytes, stream), "cuMemcpyDtoHAsync");
        }
    }

    @Override
    public void zero(long deviceOffset, long bytes) {
        if (bytes > 0) {
            Cuda.check(cudart.cuMemsetD8Async(deviceBase + deviceOffset, (byte) 0, bytes, stream),
                    "cuMemsetD8Async");
        }
    }

    @Override
    public void synchronize() {
        Cuda.check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    @Override
    public EuclideanTilePlan cachedPlan() {
        return plan;
    }

    @Override
    public void cachePlan(EuclideanTilePlan plan) {
        this.plan = plan;
    }

    @Override
    public KernelArguments args() {
        return arguments.clear();
    }

    /** Runs {@code kernel} on the stream; {@code arguments} (this workspace's) were checked against its signature. */
    @Override
    public void launch(String kernel, int gridX, int gridY, int blockX, int blockY, KernelArguments arguments) {
        CUfunc_st f = device.function(kernel);
        Cuda.check(cudart.cuLaunchKernel(f, gridX, gridY, 1, blockX, blockY, 1, 0, stream, parameters,
                (PointerPointer<?>) null), "cuLaunchKernel(" + kernel + ")");
    }

    /** Waits for the stream (a failed call may have left work queued), then frees everything. */
    @Override
    public void close() {
        device.makeCurrent();
        cudart.cuStreamSynchronize(stream); // a sticky error was reported by the call that caused it
        if (deviceBase != 0) {
            cudart.cuMemFree(deviceBase);
            deviceBase = 0;
        }
        if (hostBase != null) {
            cudart.cuMemFreeHost(hostBase);
            hostBase = null;
        }
        cudart.cuStreamDestroy(stream);
        arena.close();
    }
}
