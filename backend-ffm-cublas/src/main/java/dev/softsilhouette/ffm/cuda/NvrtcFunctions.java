package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.ffm.nativelib.NativeFunction;

import java.lang.foreign.FunctionDescriptor;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The NVRTC functions bound, as {@code nvrtc.h} declares them (nvrtcResult is an enum, nvrtcProgram a pointer). */
public final class NvrtcFunctions {
    static final String LIB = "nvrtc";

    public static final NativeFunction NVRTC_GET_ERROR_STRING = NativeFunction.of(LIB, "nvrtcGetErrorString",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
    public static final NativeFunction NVRTC_VERSION = NativeFunction.of(LIB, "nvrtcVersion",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction NVRTC_CREATE_PROGRAM = NativeFunction.of(LIB, "nvrtcCreateProgram",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction NVRTC_DESTROY_PROGRAM = NativeFunction.of(LIB, "nvrtcDestroyProgram",
            FunctionDescriptor.of(JAVA_INT, ADDRESS));
    public static final NativeFunction NVRTC_COMPILE_PROGRAM = NativeFunction.of(LIB, "nvrtcCompileProgram",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    public static final NativeFunction NVRTC_GET_PROGRAM_LOG_SIZE = NativeFunction.of(LIB, "nvrtcGetProgramLogSize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction NVRTC_GET_PROGRAM_LOG = NativeFunction.of(LIB, "nvrtcGetProgramLog",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction NVRTC_GET_CUBIN_SIZE = NativeFunction.of(LIB, "nvrtcGetCUBINSize",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    public static final NativeFunction NVRTC_GET_CUBIN = NativeFunction.of(LIB, "nvrtcGetCUBIN",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    /** Every NVRTC function bound. */
    public static final List<NativeFunction> ALL = List.of(NVRTC_GET_ERROR_STRING, NVRTC_VERSION,
            NVRTC_CREATE_PROGRAM, NVRTC_DESTROY_PROGRAM, NVRTC_COMPILE_PROGRAM, NVRTC_GET_PROGRAM_LOG_SIZE,
            NVRTC_GET_PROGRAM_LOG, NVRTC_GET_CUBIN_SIZE, NVRTC_GET_CUBIN);

    private NvrtcFunctions() {
    }
}
