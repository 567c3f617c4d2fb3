package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.ffm.nativelib.NativeFunction;

import java.lang.foreign.FunctionDescriptor;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA driver API functions bound, as {@code cuda.h} declares them (CUresult is {@code int}, CUdevice
 * {@code int}, CUdeviceptr and size_t 64-bit, handles pointers). Where {@code cuda.h} {@code #define}s a name to a
 * versioned symbol ({@code cuMemAlloc} to {@code cuMemAlloc_v2}), the versioned symbol is bound: the unversioned
 * export is the legacy ABI.
 */
public final class DriverFunctions {
    static final String LIB = "cuda";

    public static final NativeFunction CU_GET_ERROR_NAME = NativeFunction.of(LIB, "cuGetErrorName",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    public static final NativeFunction CU_GET_ERROR_STRING = NativeFunction.of(LIB, "cuGetErrorString",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    public static final NativeFunction CU_INIT = NativeFunction.of(LIB, "cuInit",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    public static final NativeFunction CU_DRIVER_GET_VERSION = NativeFunction.of(LIB, "cuDriverGetVersion",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_DEVICE_GET_COUNT = NativeFunction.of(LIB, "cuDeviceGetCount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_DEVICE_GET = NativeFunction.of(LIB, "cuDeviceGet",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_DEVICE_GET_NAME = NativeFunction.of(LIB, "cuDeviceGetName",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    public static final NativeFunction CU_DEVICE_GET_ATTRIBUTE = NativeFunction.of(LIB, "cuDeviceGetAttribute",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    public static final NativeFunction CU_DEVICE_TOTAL_MEM = new NativeFunction(LIB, "cuDeviceTotalMem",
            "cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_DEVICE_PRIMARY_CTX_RETAIN = NativeFunction.of(LIB,
            "cuDevicePrimaryCtxRetain", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_DEVICE_PRIMARY_CTX_RELEASE = new NativeFunction(LIB,
            "cuDevicePrimaryCtxRelease", "cuDevicePrimaryCtxRelease_v2", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    public static final NativeFunction CU_CTX_SET_CURRENT = NativeFunction.of(LIB, "cuCtxSetCurrent",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_STREAM_CREATE = NativeFunction.of(LIB, "cuStreamCreate",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_STREAM_DESTROY = new NativeFunction(LIB, "cuStreamDestroy",
            "cuStreamDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_STREAM_SYNCHRONIZE = NativeFunction.of(LIB, "cuStreamSynchronize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_EVENT_CREATE = NativeFunction.of(LIB, "cuEventCreate",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_EVENT_DESTROY = new NativeFunction(LIB, "cuEventDestroy",
            "cuEventDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_EVENT_RECORD = NativeFunction.of(LIB, "cuEventRecord",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction CU_STREAM_WAIT_EVENT = NativeFunction.of(LIB, "cuStreamWaitEvent",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    public static final NativeFunction CU_MEM_GET_INFO = new NativeFunction(LIB, "cuMemGetInfo", "cuMemGetInfo_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction CU_MEM_ALLOC = new NativeFunction(LIB, "cuMemAlloc", "cuMemAlloc_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    public static final NativeFunction CU_MEM_FREE = new NativeFunction(LIB, "cuMemFree", "cuMemFree_v2",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    public static final NativeFunction CU_MEM_HOST_ALLOC = NativeFunction.of(LIB, "cuMemHostAlloc",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    public static final NativeFunction CU_MEM_FREE_HOST = NativeFunction.of(LIB, "cuMemFreeHost",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_MEMCPY_HTOD_ASYNC = new NativeFunction(LIB, "cuMemcpyHtoDAsync",
            "cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS));
    public static final NativeFunction CU_MEMCPY_DTOH_ASYNC = new NativeFunction(LIB, "cuMemcpyDtoHAsync",
            "cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    public static final NativeFunction CU_MEMSET_D8_ASYNC = NativeFunction.of(LIB, "cuMemsetD8Async",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_BYTE, JAVA_LONG, ADDRESS));
    public static final NativeFunction CU_MODULE_LOAD_DATA = NativeFunction.of(LIB, "cuModuleLoadData",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction CU_MODULE_UNLOAD = NativeFunction.of(LIB, "cuModuleUnload",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction CU_MODULE_GET_FUNCTION = NativeFunction.of(LIB, "cuModuleGetFunction",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    public static final NativeFunction CU_LAUNCH_KERNEL = NativeFunction.of(LIB, "cuLaunchKernel",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                    JAVA_INT, ADDRESS, ADDRESS, ADDRESS));

    /** Every driver function bound. */
    public static final List<NativeFunction> ALL = List.of(CU_GET_ERROR_NAME, CU_GET_ERROR_STRING, CU_INIT,
            CU_DRIVER_GET_VERSION, CU_DEVICE_GET_COUNT, CU_DEVICE_GET, CU_DEVICE_GET_NAME, CU_DEVICE_GET_ATTRIBUTE,
            CU_DEVICE_TOTAL_MEM, CU_DEVICE_PRIMARY_CTX_RETAIN, CU_DEVICE_PRIMARY_CTX_RELEASE, CU_CTX_SET_CURRENT,
            CU_STREAM_CREATE, CU_STREAM_DESTROY, CU_STREAM_SYNCHRONIZE, CU_EVENT_CREATE, CU_EVENT_DESTROY, CU_EVENT_RECORD,
            CU_STREAM_WAIT_EVENT, CU_MEM_GET_INFO, CU_MEM_ALLOC, CU_MEM_FREE,
            CU_MEM_HOST_ALLOC, CU_MEM_FREE_HOST, CU_MEMCPY_HTOD_ASYNC, CU_MEMCPY_DTOH_ASYNC, CU_MEMSET_D8_ASYNC, CU_MODULE_LOAD_DATA, CU_MODULE_UNLOAD,
            CU_MODULE_GET_FUNCTION, CU_LAUNCH_KERNEL);

    /** CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT. */
    public static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    /** CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR. */
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    /** CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR. */
    public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    /** CU_STREAM_NON_BLOCKING: our streams do not synchronise with the legacy default stream. */
    public static final int STREAM_NON_BLOCKING = 1;
    /** CU_EVENT_DISABLE_TIMING: the ordering events of the GPU-resident calls time nothing (the cheapest kind). */
    public static final int EVENT_DISABLE_TIMING = 2;

    private DriverFunctions() {
    }
}
