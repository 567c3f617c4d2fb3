package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.EngineKernels;
import dev.softsilhouette.cuda.engine.NvrtcProgramKey;

import dev.softsilhouette.cuda.kernels.KernelSource;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run-time compilation path without a GPU: every kernel source of the engine goes through {@link CudaDevice#compile} (the
 * JavaCPP NVRTC calls, headers passed by name, the backend's options) for sm_80 and sm_90, and must give a CUBIN
 * that exports every listed kernel, with an empty NVRTC log (no warnings).
 *
 * <p>Needs the NVRTC library: it runs with {@code -Pcuda-redist} (which puts JavaCPP's libnvrtc on the class
 * path) or on a machine with CUDA 13 installed, and skips, saying why, elsewhere. JavaCPP's NVRTC bindings load its
 * cudart bindings, which link the driver {@code libcuda.so.1}; where no driver is installed this test loads an
 * empty stand-in built with the C compiler (no driver function is ever called; surefire runs each test class in
 * its own JVM, so nothing else sees it).
 */
class NvrtcRuntimeCompileTest {
    private static int nvrtcVersion;

    @BeforeAll
    static void loadNvrtc() throws Exception {
        // Before the first JavaCPP load: a failed class initialisation could not be retried.
        if (!driverLoadable()) {
            Path stub = buildDriverStandIn();
            if (stub != null) {
                System.load(stub.toString());
            }
        }
        Throwable failure = tryLoad();
        if (failure != null) {
            String reason = "NVRTC could not be loaded (" + rootMessage(failure) + "): run with -Pcuda-redist or "
                    + "install CUDA 13 to check run-time compilation";
            System.out.println("[backend-cuda] SKIPPED NvrtcRuntimeCompileTest: " + reason);
            Assumptions.abort(reason);
        }
        nvrtcVersion = Cuda.nvrtcVersion();
        System.out.println("[backend-cuda] NVRTC " + nvrtcVersion / 1000 + "." + (nvrtcVersion % 1000) / 10);
    }

    private static boolean driverLoadable() {
        try {
            java.lang.foreign.SymbolLookup.libraryLookup("libcuda.so.1", java.lang.foreign.Arena.global());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Throwable tryLoad() {
        try {
            Loader.load(nvrtc.class);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /** An empty shared object named libcuda.so.1, or null when there is no C compiler. */
    private static Path buildDriverStandIn() throws Exception {
        Path dir = Files.createTempDirectory("cuda-stand-in");
        Path c = dir.resolve("empty.c");
        Files.writeString(c, "int soft_silhouette_cuda_stand_in;\n", StandardCharsets.UTF_8);
        Path so = dir.resolve("libcuda.so.1");
        for (String cc : List.of("cc", "gcc", "clang")) {
            try {
                Process p = new ProcessBuilder(cc, "-shared", "-fPIC", "-Wl,-soname,libcuda.so.1", "-o",
                        so.toString(), c.toString()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor() == 0 && Files.exists(so)) {
                    return so;
                }
            } catch (java.io.IOException e) {
                // not installed: try the next
            }
        }
        return null;
    }

    @TestFactory
    Stream<DynamicTest> everySourceCompilesCleanlyForAmpereAndHopper() {
        return EngineKernels.SOURCES.stream().flatMap(source -> Stream.of(8, 9).map(major ->
                DynamicTest.dynamicTest(source.fileName() + " sm_" + major + "0", () -> compile(source, major))));
    }

    private static void compile(KernelSource source, int major) {
        NvrtcProgramKey key = NvrtcProgramKey.of(source, major, 0, nvrtcVersion);
        CudaDevice.Compiled compiled = CudaDevice.compile(source.fileName(), key);
        assertFalse(compiled.log().toLowerCase().contains("warning"), "NVRTC warned:\n" + compiled.log());
        byte[] image = compiled.image();
        assertTrue(image.length > 4, "empty CUBIN");
        assertEquals(0x7f, image[0] & 0xff, "a CUBIN is an ELF file");
        assertEquals('E', image[1]);
        String text = new String(image, StandardCharsets.ISO_8859_1);
        for (String kernel : source.hotKernels()) {
            assertTrue(text.contains(kernel), kernel + " is not exported by " + source.fileName());
        }
    }
}
