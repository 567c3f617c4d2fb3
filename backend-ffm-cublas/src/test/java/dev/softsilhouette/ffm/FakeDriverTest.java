package dev.softsilhouette.ffm;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every downcall and the backend's host orchestration against fake CUDA libraries (fake_cuda.c: host memory as
 * device memory, real SGEMM, kernels not run), in a child JVM so that the libraries are found through
 * {@code silhouette.cuda.libdir} exactly as on a real machine. Skips, saying so, where there is no C compiler.
 */
class FakeDriverTest {

    @Test
    void bindingsAndHostPathRunAgainstFakeLibraries(@TempDir Path tmp) throws Exception {
        Path cc = List.of(Path.of("/usr/bin/cc"), Path.of("/usr/bin/gcc"), Path.of("/usr/local/bin/cc")).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (cc == null) {
            String reason = "no C compiler (/usr/bin/cc, /usr/bin/gcc): fake-library test not run";
            System.out.println("[backend-ffm-cublas] SKIPPED: " + reason);
            Assumptions.abort(reason);
        }
        Path source = tmp.resolve("fake_cuda.c");
        try (InputStream in = FakeDriverTest.class.getResourceAsStream("/fake-cuda/fake_cuda.c")) {
            Files.copy(in, source);
        }
        Path lib = Files.createDirectories(tmp.resolve("lib"));
        Path built = tmp.resolve("fake_cuda.so");
        Process compile = new ProcessBuilder(cc.toString(), "-shared", "-fPIC", "-O1", "-Wall", "-Werror", "-o",
                built.toString(), source.toString()).redirectErrorStream(true).start();
        String compileOutput = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(compile.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, compile.exitValue(), compileOutput);
        for (String name : List.of("libcuda.so.1", "libnvrtc.so.13", "libcublas.so.13")) {
            Files.copy(built, lib.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }

        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Dsilhouette.cuda.libdir=" + lib,
                // the fake's "cubins" go to a folder of this test, never to the user's kernel cache
                "-Dsilhouette.cuda.kernelCache=" + lib.resolveSibling("kernel-cache"),
                "-cp", System.getProperty("java.class.path"),
                FakeCudaDriverMain.class.getName()).redirectErrorStream(true);
        child.environment().put("FAKE_CUDA_MAX_ALLOC", Long.toString(4000L * 1000 * 8 - 1)); // sums of the big batch
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "child timed out:\n" + output);
        System.out.print(output.lines().filter(l -> l.startsWith("CHECK") || l.startsWith("FAILED"))
                .map(l -> "[fake-cuda] " + l + "\n").reduce("", String::concat));
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("ALL CHECKS PASSED"), output);
    }
}
