package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.cuda.engine.CudaStatus;

import dev.softsilhouette.ffm.nativelib.Downcalls;
import dev.softsilhouette.ffm.nativelib.LoadedLibrary;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API. Initialised on first use (which loads {@code libcuda}); callers reach it only after the
 * library loaded. Every wrapper validates its arguments, then checks the CUresult.
 */
public final class Driver {
    private static final LoadedLibrary LIBRARY = CudaLibraries.driver().require();

    private static final MethodHandle CU_GET_ERROR_NAME = Downcalls.bind(LIBRARY, DriverFunctions.CU_GET_ERROR_NAME);
    private static final MethodHandle CU_GET_ERROR_STRING = Downcalls.bind(LIBRARY, DriverFunctions.CU_GET_ERROR_STRING);
    private static final MethodHandle CU_INIT = Downcalls.bind(LIBRARY, DriverFunctions.CU_INIT);
    private static final MethodHandle CU_DRIVER_GET_VERSION = Downcalls.bind(LIBRARY, DriverFunctions.CU_DRIVER_GET_VERSION);
    private static final MethodHandle CU_DEVICE_GET_COUNT = Downcalls.bind(LIBRARY, DriverFunctions.CU_DEVICE_GET_COUNT);
    private static final MethodHandle CU_DEVICE_GET = Downcalls.bind(LIBRARY, DriverFunctions.CU_DEVICE_GET);
    private static final MethodHandle CU_DEVICE_GET_NAME = Downcalls.bind(LIBRARY, DriverFunctions.CU_DEVICE_GET_NAME);
    private static final MethodHandle CU_DEVICE_GET_ATTRIBUTE = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_DEVICE_GET_ATTRIBUTE);
    private static final MethodHandle CU_DEVICE_TOTAL_MEM = Downcalls.bind(LIBRARY, DriverFunctions.CU_DEVICE_TOTAL_MEM);
    private static final MethodHandle CU_DEVICE_PRIMARY_CTX_RETAIN = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_DEVICE_PRIMARY_CTX_RETAIN);
    private static final MethodHandle CU_DEVICE_PRIMARY_CTX_RELEASE = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_DEVICE_PRIMARY_CTX_RELEASE);
    private static final MethodHandle CU_CTX_SET_CURRENT = Downcalls.bind(LIBRARY, DriverFunctions.CU_CTX_SET_CURRENT);
    private static final MethodHandle CU_STREAM_CREATE = Downcalls.bind(LIBRARY, DriverFunctions.CU_STREAM_CREATE);
    private static final MethodHandle CU_STREAM_DESTROY = Downcalls.bind(LIBRARY, DriverFunctions.CU_STREAM_DESTROY);
    private static final MethodHandle CU_STREAM_SYNCHRONIZE = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_STREAM_SYNCHRONIZE);
    private static final MethodHandle CU_EVENT_CREATE = Downcalls.bind(LIBRARY, DriverFunctions.CU_EVENT_CREATE);
    private static final MethodHandle CU_EVENT_DESTROY = Downcalls.bind(LIBRARY, DriverFunctions.CU_EVENT_DESTROY);
    private static final MethodHandle CU_EVENT_RECORD = Downcalls.bind(LIBRARY, DriverFunctions.CU_EVENT_RECORD);
    private static final MethodHandle CU_STREAM_WAIT_EVENT = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_STREAM_WAIT_EVENT);
    private static final MethodHandle CU_MEM_GET_INFO = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEM_GET_INFO);
    private static final MethodHandle CU_MEM_ALLOC = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEM_ALLOC);
    private static final MethodHandle CU_MEM_FREE = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEM_FREE);
    private static final MethodHandle CU_MEM_HOST_ALLOC = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEM_HOST_ALLOC);
    private static final MethodHandle CU_MEM_FREE_HOST = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEM_FREE_HOST);
    private static final MethodHandle CU_MEMCPY_HTOD_ASYNC = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEMCPY_HTOD_ASYNC);
    private static final MethodHandle CU_MEMCPY_DTOH_ASYNC = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEMCPY_DTOH_ASYNC);
    private static final MethodHandle CU_MEMSET_D8_ASYNC = Downcalls.bind(LIBRARY, DriverFunctions.CU_MEMSET_D8_ASYNC);
    private static final MethodHandle CU_MODULE_LOAD_DATA = Downcalls.bind(LIBRARY, DriverFunctions.CU_MODULE_LOAD_DATA);
    private static final MethodHandle CU_MODULE_UNLOAD = Downcalls.bind(LIBRARY, DriverFunctions.CU_MODULE_UNLOAD);
    private static final MethodHandle CU_MODULE_GET_FUNCTION = Downcalls.bind(LIBRARY,
            DriverFunctions.CU_MODULE_GET_FUNCTION);
    private static final MethodHandle CU_LAUNCH_KERNEL = Downcalls.bind(LIBRARY, DriverFunctions.CU_LAUNCH_KERNEL);

    private Driver() {
    }

    /** Where {@code libcuda} was loaded from. */
    public static String libraryLocation() {
        return LIBRARY.describe();
    }

    /** Throws a {@link BackendFailureException} naming {@code function} and the error when {@code status != 0}. */
    public static void check(int status, String function) {
        if (status != 0) {
            throw new BackendFailureException(Status.BACKEND, function, status, errorName(status), errorString(status));
        }
    }

    /** {@code CUDA_ERROR_OUT_OF_MEMORY} etc.: the driver's name, else the shared table's ({@code CudaStatus}). */
    public static String errorName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_GET_ERROR_NAME.invokeExact(status, out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuGetErrorName", t);
            }
            // the shared table where the driver does not name the code
            String known = CudaStatus.driverName(status);
            return rc == 0 ? Downcalls.cString(out.get(ADDRESS, 0), known) : known;
        }
    }

    private static String errorString(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_GET_ERROR_STRING.invokeExact(status, out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuGetErrorString", t);
            }
            return rc == 0 ? Downcalls.cString(out.get(ADDRESS, 0), "") : "";
        }
    }

    public static void init() {
        int rc;
        try {
            rc = (int) CU_INIT.invokeExact(0);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuInit", t);
        }
        check(rc, "cuInit");
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public static int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) CU_DRIVER_GET_VERSION.invokeExact(out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDriverGetVersion", t);
            }
            check(rc, "cuDriverGetVersion");
            return out.get(JAVA_INT, 0);
        }
    }

    public static int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) CU_DEVICE_GET_COUNT.invokeExact(out);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDeviceGetCount", t);
            }
            check(rc, "cuDeviceGetCount");
            return out.get(JAVA_INT, 0);
        }
    }

    /** The device handle of ordinal {@code ordinal}. */
    public static int device(int ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal: negative: " + ordinal);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) CU_DEVICE_GET.invokeExact(out, ordinal);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDeviceGet", t);
            }
            check(rc, "cuDeviceGet");
            return out.get(JAVA_INT, 0);
        }
    }

    public static String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            int length = 256;
            MemorySegment out = arena.allocate(length);
            int rc;
            try {
                rc = (int) CU_DEVICE_GET_NAME.invokeExact(out, length, device);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDeviceGetName", t);
            }
            check(rc, "cuDeviceGetName");
            return out.getString(0);
        }
    }

    public static int deviceAttribute(int attribute, int device) {
        if (attribute < 0) {
            throw new IllegalArgumentException("attribute: negative: " + attribute);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) CU_DEVICE_GET_ATTRIBUTE.invokeExact(out, attribute, device);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDeviceGetAttribute", t);
            }
            check(rc, "cuDeviceGetAttribute");
            return out.get(JAVA_INT, 0);
        }
    }

    public static long deviceTotalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int rc;
            try {
                rc = (int) CU_DEVICE_TOTAL_MEM.invokeExact(out, device);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDeviceTotalMem_v2", t);
            }
            check(rc, "cuDeviceTotalMem_v2");
            return out.get(JAVA_LONG, 0);
        }
    }

    /** Retains the device's primary context (shared with cuBLAS and the CUDA runtime in the same process). */
    public static MemorySegment primaryContextRetain(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_DEVICE_PRIMARY_CTX_RETAIN.invokeExact(out, device);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuDevicePrimaryCtxRetain", t);
            }
            check(rc, "cuDevicePrimaryCtxRetain");
            return out.get(ADDRESS, 0);
        }
    }

    public static void primaryContextRelease(int device) {
        int rc;
        try {
            rc = (int) CU_DEVICE_PRIMARY_CTX_RELEASE.invokeExact(device);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuDevicePrimaryCtxRelease_v2", t);
        }
        check(rc, "cuDevicePrimaryCtxRelease_v2");
    }

    /** Binds {@code context} to the calling thread. */
    public static void setCurrentContext(MemorySegment context) {
        requireHandle(context, "context");
        int rc;
        try {
            rc = (int) CU_CTX_SET_CURRENT.invokeExact(context);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuCtxSetCurrent", t);
        }
        check(rc, "cuCtxSetCurrent");
    }

    public static MemorySegment streamCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_STREAM_CREATE.invokeExact(out, flags);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuStreamCreate", t);
            }
            check(rc, "cuStreamCreate");
            return out.get(ADDRESS, 0);
        }
    }

    public static void streamDestroy(MemorySegment stream) {
        requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) CU_STREAM_DESTROY.invokeExact(stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuStreamDestroy_v2", t);
        }
        check(rc, "cuStreamDestroy_v2");
    }

    /** Waits for the stream; errors of earlier asynchronous work (a failed kernel) surface here. */
    public static void streamSynchronize(MemorySegment stream) {
        requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) CU_STREAM_SYNCHRONIZE.invokeExact(stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuStreamSynchronize", t);
        }
        check(rc, "cuStreamSynchronize");
    }

    /** A new event of the current context ({@code flags}: {@link DriverFunctions#EVENT_DISABLE_TIMING}). */
    public static MemorySegment eventCreate(int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_EVENT_CREATE.invokeExact(out, flags);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuEventCreate", t);
            }
            check(rc, "cuEventCreate");
            return out.get(ADDRESS, 0);
        }
    }

    public static void eventDestroy(MemorySegment event) {
        requireHandle(event, "event");
        int rc;
        try {
            rc = (int) CU_EVENT_DESTROY.invokeExact(event);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuEventDestroy_v2", t);
        }
        check(rc, "cuEventDestroy_v2");
    }

    /**
     * Records {@code event} on {@code stream}: it completes once everything queued there so far has. The stream may
     * be the legacy default stream, {@link MemorySegment#NULL}.
     */
    public static void eventRecord(MemorySegment event, MemorySegment stream) {
        requireHandle(event, "event");
        int rc;
        try {
            rc = (int) CU_EVENT_RECORD.invokeExact(event, stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuEventRecord", t);
        }
        check(rc, "cuEventRecord");
    }

    /** Makes {@code stream} (the legacy default stream when NULL) wait for the last record of {@code event}. */
    public static void streamWaitEvent(MemorySegment stream, MemorySegment event) {
        requireHandle(event, "event");
        int rc;
        try {
            rc = (int) CU_STREAM_WAIT_EVENT.invokeExact(stream, event, 0);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuStreamWaitEvent", t);
        }
        check(rc, "cuStreamWaitEvent");
    }

    /** {free, total} device memory in bytes, for the current context's device. */
    public static long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            int rc;
            try {
                rc = (int) CU_MEM_GET_INFO.invokeExact(free, total);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuMemGetInfo_v2", t);
            }
            check(rc, "cuMemGetInfo_v2");
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** Allocates {@code bytes > 0} of device memory; returns the device pointer. */
    public static long memAlloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: must be positive: " + bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            int rc;
            try {
                rc = (int) CU_MEM_ALLOC.invokeExact(out, bytes);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuMemAlloc_v2", t);
            }
            check(rc, "cuMemAlloc_v2");
            return out.get(JAVA_LONG, 0);
        }
    }

    public static void memFree(long pointer) {
        requireDevicePointer(pointer, "pointer");
        int rc;
        try {
            rc = (int) CU_MEM_FREE.invokeExact(pointer);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuMemFree_v2", t);
        }
        check(rc, "cuMemFree_v2");
    }

    /**
     * Allocates {@code bytes > 0} of page-locked host memory (flags 0: portable to this context only), which
     * asynchronous copies transfer at full speed and without a staging copy in the driver.
     */
    public static MemorySegment memHostAlloc(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: must be positive: " + bytes);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_MEM_HOST_ALLOC.invokeExact(out, bytes, 0);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuMemHostAlloc", t);
            }
            check(rc, "cuMemHostAlloc");
            return out.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    /** Frees memory from {@link #memHostAlloc}. */
    public static void memFreeHost(MemorySegment pinned) {
        requireHandle(pinned, "pinned");
        int rc;
        try {
            rc = (int) CU_MEM_FREE_HOST.invokeExact(pinned);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuMemFreeHost", t);
        }
        check(rc, "cuMemFreeHost");
    }

    /** Copies {@code bytes} from host memory {@code source} (native, at least that long) to {@code destination}. */
    public static void copyToDevice(long destination, MemorySegment source, long bytes, MemorySegment stream) {
        requireDevicePointer(destination, "destination");
        requireNativeBytes(source, bytes, "source");
        requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) CU_MEMCPY_HTOD_ASYNC.invokeExact(destination, source, bytes, stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuMemcpyHtoDAsync_v2", t);
        }
        check(rc, "cuMemcpyHtoDAsync_v2");
    }

    /** Copies {@code bytes} from {@code source} on the device into host memory {@code destination} (native). */
    public static void copyToHost(MemorySegment destination, long source, long bytes, MemorySegment stream) {
        requireNativeBytes(destination, bytes, "destination");
        requireDevicePointer(source, "source");
        requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) CU_MEMCPY_DTOH_ASYNC.invokeExact(destination, source, bytes, stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuMemcpyDtoHAsync_v2", t);
        }
        check(rc, "cuMemcpyDtoHAsync_v2");
    }

    /** Sets {@code bytes} bytes at {@code pointer} to zero (0.0 in float and double). */
    public static void zero(long pointer, long bytes, MemorySegment stream) {
        requireDevicePointer(pointer, "pointer");
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: must be positive: " + bytes);
        }
        requireHandle(stream, "stream");
        int rc;
        try {
            rc = (int) CU_MEMSET_D8_ASYNC.invokeExact(pointer, (byte) 0, bytes, stream);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuMemsetD8Async", t);
        }
        check(rc, "cuMemsetD8Async");
    }

    /** Loads a module from a cubin image held in native memory. */
    public static MemorySegment moduleLoadData(MemorySegment image) {
        requireNativeBytes(image, 1, "image");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_MODULE_LOAD_DATA.invokeExact(out, image);
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuModuleLoadData", t);
            }
            check(rc, "cuModuleLoadData");
            return out.get(ADDRESS, 0);
        }
    }

    public static void moduleUnload(MemorySegment module) {
        requireHandle(module, "module");
        int rc;
        try {
            rc = (int) CU_MODULE_UNLOAD.invokeExact(module);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuModuleUnload", t);
        }
        check(rc, "cuModuleUnload");
    }

    public static MemorySegment moduleFunction(MemorySegment module, String name) {
        requireHandle(module, "module");
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name: empty");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc;
            try {
                rc = (int) CU_MODULE_GET_FUNCTION.invokeExact(out, module, arena.allocateFrom(name));
            } catch (Throwable t) {
                throw Downcalls.rethrow("cuModuleGetFunction", t);
            }
            if (rc != 0) {
                throw new BackendFailureException(Status.BACKEND, "cuModuleGetFunction", rc, errorName(rc),
                        "kernel " + name);
            }
            return out.get(ADDRESS, 0);
        }
    }

    /**
     * Launches {@code function} on {@code stream}.
     *
     * @param parameters native array of pointers, one per kernel argument, each to the argument's value
     */
    public static void launch(MemorySegment function, int gridX, int gridY, int blockX, int blockY, int sharedBytes,
                              MemorySegment stream, MemorySegment parameters) {
        requireHandle(function, "function");
        requireHandle(stream, "stream");
        requireNativeBytes(parameters, ADDRESS.byteSize(), "parameters");
        if (gridX < 1 || gridY < 1 || gridY > 65535 || blockX < 1 || blockY < 1 || (long) blockX * blockY > 1024
                || sharedBytes < 0) {
            throw new IllegalArgumentException("launch geometry out of range: grid " + gridX + "x" + gridY
                    + ", block " + blockX + "x" + blockY + ", shared " + sharedBytes);
        }
        int rc;
        try {
            rc = (int) CU_LAUNCH_KERNEL.invokeExact(function, gridX, gridY, 1, blockX, blockY, 1, sharedBytes, stream,
                    parameters, MemorySegment.NULL);
        } catch (Throwable t) {
            throw Downcalls.rethrow("cuLaunchKernel", t);
        }
        check(rc, "cuLaunchKernel");
    }

    static void requireHandle(MemorySegment handle, String what) {
        if (handle == null || handle.address() == 0L) {
            throw new IllegalArgumentException(what + ": null handle");
        }
    }

    static void requireDevicePointer(long pointer, String what) {
        if (pointer == 0L) {
            throw new IllegalArgumentException(what + ": null device pointer");
        }
    }

    static void requireNativeBytes(MemorySegment segment, long bytes, String what) {
        if (segment == null || !segment.isNative()) {
            throw new IllegalArgumentException(what + ": not native memory");
        }
        if (bytes <= 0 || segment.byteSize() < bytes) {
            throw new IllegalArgumentException(what + ": " + bytes + " bytes requested, segment has "
                    + segment.byteSize());
        }
    }
}
