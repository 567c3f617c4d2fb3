package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.cuda.engine.CudaStatus;

import dev.softsilhouette.ffm.nativelib.Downcalls;
import dev.softsilhouette.ffm.nativelib.LoadedLibrary;
import dev.softsilhouette.spi.BackendFailureException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** NVRTC: compiles CUDA C to a cubin for one architecture. Initialised on first use (loads {@code libnvrtc}). */
public final class Nvrtc {
    private static final LoadedLibrary LIBRARY = CudaLibraries.nvrtc().require();

    private static final MethodHandle GET_ERROR_STRING = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_GET_ERROR_STRING);
    private static final MethodHandle VERSION = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_VERSION);
    private static final MethodHandle CREATE_PROGRAM = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_CREATE_PROGRAM);
    private static final MethodHandle DESTROY_PROGRAM = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_DESTROY_PROGRAM);
    private static final MethodHandle COMPILE_PROGRAM = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_COMPILE_PROGRAM);
    private static final MethodHandle GET_PROGRAM_LOG_SIZE = Downcalls.bind(LIBRARY,
            NvrtcFunctions.NVRTC_GET_PROGRAM_LOG_SIZE);
    private static final MethodHandle GET_PROGRAM_LOG = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_GET_PROGRAM_LOG);
    private static final MethodHandle GET_CUBIN_SIZE = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_GET_CUBIN_SIZE);
    private static final MethodHandle GET_CUBIN = Downcalls.bind(LIBRARY, NvrtcFunctions.NVRTC_GET_CUBIN);

    private Nvrtc() {
    }

    /** Where {@code libnvrtc} was loaded from. */
    public static String libraryLocation() {
        return LIBRARY.describe();
    }

    static void check(int status, String function, String detail) {
        if (status != 0) {
            throw new BackendFailureException(Status.BACKEND, function, status, errorName(status), detail);
        }
    }

    /** {@code NVRTC_ERROR_COMPILATION} etc. */
    public static String errorName(int status) {
        MemorySegment name;
        try {
            name = (MemorySegment) GET_ERROR_STRING.invokeExact(status);
        } catch (Throwable t) {
            throw Downcalls.rethrow("nvrtcGetErrorString", t);
        }
        return Downcalls.cString(name, CudaStatus.nvrtcName(status));
    }

    /** {major, minor}. */
    public static int[] version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment major = arena.allocate(JAVA_INT);
            MemorySegment minor = arena.allocate(JAVA_INT);
            int rc;
            try {
                rc = (int) VERSION.invokeExact(major, minor);
            } catch (Throwable t) {
                throw Downcalls.rethrow("nvrtcVersion", t);
            }
            check(rc, "nvrtcVersion", null);
            return new int[] {major.get(JAVA_INT, 0), minor.get(JAVA_INT, 0)};
        }
    }

    /**
     * Compiles {@code source} for {@code sm_<computeCapability>} and returns the cubin in {@code target}'s memory.
     * A compilation error is a {@link BackendFailureException} with NVRTC's log.
     */
    public static MemorySegment compileToCubin(String name, String source, int computeCapability, List<String> options,
                                               Arena target) {
        return compileToCubin(name, source, java.util.Map.of(), computeCapability, options, target);
    }

    /**
     * The same, with headers the source includes by name ({@code #include "common.cuh"}): NVRTC reads no files, so
     * each header's text is passed with the name it is included by.
     */
    public static MemorySegment compileToCubin(String name, String source, java.util.Map<String, String> headers,
                                               int computeCapability, List<String> options, Arena target) {
        if (computeCapability < 30 || computeCapability > 1000) {
            throw new IllegalArgumentException("computeCapability: out of range: " + computeCapability);
        }
        List<String> all = new java.util.ArrayList<>();
        all.add("--gpu-architecture=sm_" + computeCapability);
        all.addAll(options);
        return compileToCubin(name, source, headers, all, target);
    }

    /**
     * The same with the complete option list (the target architecture included), as
     * {@code dev.softsilhouette.cuda.engine.NvrtcProgramKey#options()} gives it.
     */
    public static MemorySegment compileToCubin(String name, String source, java.util.Map<String, String> headers,
                                               List<String> all, Arena target) {
        if (source == null || source.isEmpty()) {
            throw new IllegalArgumentException("source: empty");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment programOut = arena.allocate(ADDRESS);
            MemorySegment headerTexts = MemorySegment.NULL;
            MemorySegment headerNames = MemorySegment.NULL;
            if (!headers.isEmpty()) {
                headerTexts = arena.allocate(ADDRESS, headers.size());
                headerNames = arena.allocate(ADDRESS, headers.size());
                int h = 0;
                for (java.util.Map.Entry<String, String> header : headers.entrySet()) {
                    headerNames.setAtIndex(ADDRESS, h, arena.allocateFrom(header.getKey()));
                    headerTexts.setAtIndex(ADDRESS, h, arena.allocateFrom(header.getValue()));
                    h++;
                }
            }
            int rc;
            try {
                rc = (int) CREATE_PROGRAM.invokeExact(programOut, arena.allocateFrom(source), arena.allocateFrom(name),
                        headers.size(), headerTexts, headerNames);
            } catch (Throwable t) {
                throw Downcalls.rethrow("nvrtcCreateProgram", t);
            }
            check(rc, "nvrtcCreateProgram", name);
            MemorySegment program = programOut.get(ADDRESS, 0);
            boolean succeeded = false;
            try {
                MemorySegment optionArray = arena.allocate(ADDRESS, all.size());
                for (int i = 0; i < all.size(); i++) {
                    optionArray.setAtIndex(ADDRESS, i, arena.allocateFrom(all.get(i)));
                }
                try {
                    rc = (int) COMPILE_PROGRAM.invokeExact(program, all.size(), optionArray);
                } catch (Throwable t) {
                    throw Downcalls.rethrow("nvrtcCompileProgram", t);
                }
                if (rc != 0) {
                    check(rc, "nvrtcCompileProgram", name + " " + all + ":\n" + log(program, arena));
                }
                MemorySegment sizeOut = arena.allocate(JAVA_LONG);
                try {
                    rc = (int) GET_CUBIN_SIZE.invokeExact(program, sizeOut);
                } catch (Throwable t) {
                    throw Downcalls.rethrow("nvrtcGetCUBINSize", t);
                }
                check(rc, "nvrtcGetCUBINSize", name);
                long size = sizeOut.get(JAVA_LONG, 0);
                if (size <= 0) {
                    throw new BackendFailureException(Status.BACKEND, "nvrtcGetCUBINSize", 0, "NVRTC_SUCCESS",
                            "empty cubin for " + name + " (was a virtual architecture requested?)");
                }
                MemorySegment cubin = target.allocate(size, 16);
                try {
                    rc = (int) GET_CUBIN.invokeExact(program, cubin);
                } catch (Throwable t) {
                    throw Downcalls.rethrow("nvrtcGetCUBIN", t);
                }
                check(rc, "nvrtcGetCUBIN", name);
                succeeded = true;
                return cubin;
            } finally {
                int destroyed;
                try {
                    destroyed = (int) DESTROY_PROGRAM.invokeExact(programOut);
                } catch (Throwable t) {
                    throw Downcalls.rethrow("nvrtcDestroyProgram", t);
                }
                if (succeeded) {
                    check(destroyed, "nvrtcDestroyProgram", name); // never masks the compile error itself
                }
            }
        }
    }

    private static String log(MemorySegment program, Arena arena) {
        MemorySegment sizeOut = arena.allocate(JAVA_LONG);
        int rc;
        try {
            rc = (int) GET_PROGRAM_LOG_SIZE.invokeExact(program, sizeOut);
        } catch (Throwable t) {
            throw Downcalls.rethrow("nvrtcGetProgramLogSize", t);
        }
        long size = sizeOut.get(JAVA_LONG, 0);
        if (rc != 0 || size <= 1) {
            return "(no log)";
        }
        MemorySegment text = arena.allocate(size);
        try {
            rc = (int) GET_PROGRAM_LOG.invokeExact(program, text);
        } catch (Throwable t) {
            throw Downcalls.rethrow("nvrtcGetProgramLog", t);
        }
        return rc != 0 ? "(no log: " + errorName(rc) + ")" : text.getString(0);
    }
}
