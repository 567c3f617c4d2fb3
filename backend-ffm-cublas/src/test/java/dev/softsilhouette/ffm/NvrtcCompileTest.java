package dev.softsilhouette.ffm;

import dev.softsilhouette.cuda.engine.EngineKernels;
import dev.softsilhouette.cuda.kernels.KernelSource;
import dev.softsilhouette.ffm.cuda.CudaLibraries;
import dev.softsilhouette.ffm.cuda.Nvrtc;
import dev.softsilhouette.spi.BackendFailureException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NVRTC needs no GPU: where the library is found, the kernels are compiled through the FFM bindings exactly as the
 * backend does at run time (same options), and a compile error comes back as an exception with the log. Skips,
 * saying where it looked, where NVRTC is absent ({@code -Dsilhouette.cuda.libdir} points at a folder with
 * {@code libnvrtc.so.13}).
 */
class NvrtcCompileTest {

    @BeforeAll
    static void requireNvrtc() {
        if (CudaLibraries.nvrtc().loaded().isEmpty()) {
            String reason = CudaLibraries.nvrtc().failureMessage();
            System.out.println("[backend-ffm-cublas] SKIPPED NVRTC compilation: " + reason);
            Assumptions.abort(reason);
        }
    }

    @Test
    void kernelsCompileToCubinsForAmpereAndHopper() {
        for (KernelSource source : EngineKernels.SOURCES) { // what the session loads: both strategies, the blocks
            for (int capability : new int[] {80, 90}) {
                try (Arena arena = Arena.ofConfined()) {
                    // the session's own path: the shared program key, headers by name (silhouette_rows.cu
                    // includes common.cuh)
                    int[] v = Nvrtc.version();
                    MemorySegment cubin = MemorySegment.ofArray(CudaSession.compile(source.fileName(),
                            dev.softsilhouette.cuda.engine.NvrtcProgramKey.of(source,
                                    capability / 10, capability % 10, v[0] * 1000 + v[1] * 10)));
                    assertTrue(cubin.byteSize() > 1000, source.fileName() + " sm_" + capability);
                    assertEquals(0x7f, cubin.get(JAVA_BYTE, 0) & 0xff, "ELF magic");
                    assertEquals('E', cubin.get(JAVA_BYTE, 1));
                    assertEquals('L', cubin.get(JAVA_BYTE, 2));
                    assertEquals('F', cubin.get(JAVA_BYTE, 3));
                }
            }
        }
        int[] version = Nvrtc.version();
        assertTrue(version[0] >= 12, "NVRTC " + version[0] + "." + version[1]);
    }

    @Test
    void aCompileErrorNamesTheFunctionTheErrorAndCarriesTheLog() {
        try (Arena arena = Arena.ofConfined()) {
            BackendFailureException e = assertThrows(BackendFailureException.class, () -> Nvrtc.compileToCubin(
                    "broken.cu", "extern \"C\" __global__ void k(int* p) { p[0] = undeclared_thing; }", 90,
                    List.of(), arena));
            assertEquals("ffm-cublas", e.backend());
            assertEquals("nvrtcCompileProgram", e.function());
            assertEquals("NVRTC_ERROR_COMPILATION", e.errorName());
            assertTrue(e.getMessage().contains("undeclared_thing"), e.getMessage());
        }
    }

    @Test
    void argumentsAreCheckedBeforeTheCall() {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(IllegalArgumentException.class, () -> Nvrtc.compileToCubin("x.cu", "", 90, List.of(), arena));
            assertThrows(IllegalArgumentException.class,
                    () -> Nvrtc.compileToCubin("x.cu", "int x;", 7, List.of(), arena));
        }
    }
}
