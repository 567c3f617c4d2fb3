package dev.softsilhouette.ffm.nativelib;

import dev.softsilhouette.ffm.cuda.CudaLibraries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery and loading on a fake file-system tree (empty files named like the libraries). */
class LibraryDiscoveryTest {

    private static Path touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, new byte[0]);
    }

    /** A fake machine with cuBLAS in every kind of place. */
    private static Path fakeTree(Path root) throws IOException {
        touch(root.resolve("props/a/libcublas.so.13"));
        touch(root.resolve("home/cuda/lib64/libcublas.so.13"));
        touch(root.resolve("path/cuda/lib64/libcublas.so.12"));
        touch(root.resolve("usr/local/cuda/lib64/libcublas.so.13"));
        touch(root.resolve("usr/local/cuda-12.9/lib64/libcublas.so.12"));
        touch(root.resolve("usr/local/cuda-12.10/targets/x86_64-linux/lib/libcublas.so.12"));
        touch(root.resolve("usr/local/cuda-13.0/lib64/libcublas.so.13"));
        touch(root.resolve("usr/lib/x86_64-linux-gnu/libcublas.so.13"));
        touch(root.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcublas.so.13"));
        touch(root.resolve("user/.local/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12"));
        touch(root.resolve("usr/lib/python3/dist-packages/nvidia/cublas/lib/libcublas.so.12"));
        touch(root.resolve("usr/local/lib/python3.13/dist-packages/nvidia/cublas/lib/libcublas.so.13"));
        touch(root.resolve("usr/local/lib/python3.13/dist-packages/nvidia/cublas/lib/libcublasLt.so.13"));
        return root;
    }

    private static LibraryDiscovery.Environment environment(Path root, String property) {
        return new LibraryDiscovery.Environment(property,
                Map.of("CUDA_HOME", root.resolve("home/cuda").toString(),
                        "CUDA_PATH", root.resolve("path/cuda").toString(),
                        "VIRTUAL_ENV", root.resolve("venv").toString()),
                root.resolve("user"), root);
    }

    private static List<String> existing(LibraryDiscovery.Discovery discovery, Path root) {
        List<String> out = new ArrayList<>();
        for (LibraryDiscovery.Candidate c : discovery.candidates()) {
            if (c.file() == null) {
                out.add("loader:" + c.soname());
            } else if (Files.isRegularFile(c.file())) {
                out.add(c.source() + ":" + root.relativize(c.file()));
            }
        }
        return out;
    }

    @Test
    void candidatesComeInTheDocumentedOrder(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        String property = root.resolve("props/a") + File.pathSeparator + root.resolve("props/missing");
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.CUBLAS,
                environment(root, property));
        assertEquals(List.of(
                "PROPERTY:props/a/libcublas.so.13",
                "CUDA_HOME:home/cuda/lib64/libcublas.so.13",
                "CUDA_PATH:path/cuda/lib64/libcublas.so.12",
                "loader:libcublas.so.13",
                "loader:libcublas.so.12",
                "INSTALL_FOLDER:usr/local/cuda/lib64/libcublas.so.13",
                "INSTALL_FOLDER:usr/local/cuda-13.0/lib64/libcublas.so.13",
                // 12.10 is newer than 12.9 (numeric, not lexical, order)
                "INSTALL_FOLDER:usr/local/cuda-12.10/targets/x86_64-linux/lib/libcublas.so.12",
                "INSTALL_FOLDER:usr/local/cuda-12.9/lib64/libcublas.so.12",
                "INSTALL_FOLDER:usr/lib/x86_64-linux-gnu/libcublas.so.13",
                "PYTHON_WHEEL:venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcublas.so.13",
                "PYTHON_WHEEL:user/.local/lib/python3.11/site-packages/nvidia/cublas/lib/libcublas.so.12",
                "PYTHON_WHEEL:usr/local/lib/python3.13/dist-packages/nvidia/cublas/lib/libcublas.so.13",
                "PYTHON_WHEEL:usr/lib/python3/dist-packages/nvidia/cublas/lib/libcublas.so.12"),
                existing(discovery, root));
        // Places that do not exist are still candidates (and show in the failure message), in order.
        assertTrue(discovery.candidates().stream().anyMatch(c -> c.file() != null
                && c.file().equals(root.resolve("props/missing/libcublas.so.13"))));
        assertTrue(discovery.candidates().stream().allMatch(c -> c.file() == null || c.file().isAbsolute()));
    }

    @Test
    void withoutThePropertyTheToolkitHomeComesFirst(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.CUBLAS,
                environment(root, null));
        assertEquals("CUDA_HOME:home/cuda/lib64/libcublas.so.13", existing(discovery, root).get(0));
    }

    @Test
    void theWorkingDirectoryIsNeverSearched(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        String property = "." + File.pathSeparator + "" + File.pathSeparator + "lib" + File.pathSeparator
                + root.resolve("props/a");
        LibraryDiscovery.Environment env = new LibraryDiscovery.Environment(property,
                Map.of("CUDA_HOME", "relative/cuda"), null, root);
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.CUBLAS, env);
        Path cwd = Path.of("").toAbsolutePath();
        for (LibraryDiscovery.Candidate c : discovery.candidates()) {
            if (c.file() != null) {
                assertTrue(c.file().isAbsolute(), c.toString());
                assertFalse(c.file().getParent().equals(cwd), "working directory searched: " + c);
                assertFalse(c.file().startsWith(cwd.resolve("relative")), "relative CUDA_HOME used: " + c);
                assertFalse(c.file().startsWith(cwd.resolve("lib")), "relative entry used: " + c);
            }
        }
        assertEquals(2, discovery.ignored().size(), discovery.ignored().toString()); // "." and "lib"
        assertTrue(discovery.ignored().get(0).contains("'.'"));
        assertEquals(LibraryDiscovery.Source.PROPERTY, discovery.candidates().get(0).source());
    }

    @Test
    void theDriverIsNotLookedForInPythonWheels(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        touch(root.resolve("venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcuda.so.1"));
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.DRIVER,
                environment(root, null));
        assertTrue(discovery.candidates().stream()
                .noneMatch(c -> c.source() == LibraryDiscovery.Source.PYTHON_WHEEL));
        assertTrue(discovery.candidates().stream().anyMatch(c -> c.file() != null
                && c.file().equals(root.resolve("usr/lib/x86_64-linux-gnu/libcuda.so.1"))));
    }

    @Test
    void theLoaderTriesInOrderAndItsFailureListsEveryPlace(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.CUBLAS,
                environment(root, root.resolve("props/a") + File.pathSeparator + "rel"));
        // The real dlopen: every fake file is empty, so every attempt fails, with the loader's own message.
        LibraryLoader.Result result = LibraryLoader.load(CudaLibraries.CUBLAS, discovery, LibraryLoader.DLOPEN);
        if (result.loaded().isPresent()) {
            // A real cuBLAS is installed where the dynamic loader finds it: nothing to check about failure here.
            assertEquals(LibraryDiscovery.Source.LOADER, result.loaded().get().from().source());
            return;
        }
        assertEquals(discovery.candidates().size(), result.attempts().size());
        String message = result.failureMessage();
        for (LibraryDiscovery.Candidate c : discovery.candidates()) {
            // each place is named, alone or grouped with the other sonames of its folder
            String place = c.file() == null ? c.describe()
                    : c.file().getParent().toString();
            assertTrue(message.contains(place), "message lists " + c.describe());
        }
        assertTrue(message.contains(root.resolve("usr/local/cuda/targets/x86_64-linux/lib")
                + "/{libcublas.so.13, libcublas.so.12} (install folder): absent"), message);
        assertTrue(message.contains(root.resolve("props/a/libcublas.so.13")
                + " (-Dsilhouette.cuda.libdir): not an ELF shared object"), message);
        assertTrue(message.contains("libcublas.so.13 by soname (dynamic loader): "));
        assertTrue(message.contains(root.resolve("props/a/libcublas.so.12") + " (-Dsilhouette.cuda.libdir): absent"));
        assertTrue(message.contains("entry 'rel' ignored"), message);
        assertTrue(message.startsWith("cuBLAS (libcublas.so.13, libcublas.so.12) could not be loaded; tried "
                + discovery.candidates().size() + " places"), message);
    }

    @Test
    void theFirstCandidateThatOpensWinsAndCompanionsComeFromItsFolder(@TempDir Path tmp) throws IOException {
        Path root = fakeTree(tmp);
        LibraryDiscovery.Discovery discovery = LibraryDiscovery.discover(CudaLibraries.CUBLAS,
                environment(root, null));
        Path wheel = root.resolve("usr/local/lib/python3.13/dist-packages/nvidia/cublas/lib");
        List<String> opened = new ArrayList<>();
        LibraryLoader.Opener onlyTheWheel = (candidate, companions) -> {
            opened.add(candidate.describe());
            if (candidate.file() == null || !candidate.file().startsWith(wheel)) {
                throw new IllegalArgumentException("cannot open " + candidate.soname());
            }
            assertEquals(List.of(wheel.resolve("libcublasLt.so.13")), companions);
            return SymbolLookup.loaderLookup();
        };
        LibraryLoader.Result result = LibraryLoader.load(CudaLibraries.CUBLAS, discovery, onlyTheWheel);
        assertTrue(result.loaded().isPresent());
        assertEquals(wheel.resolve("libcublas.so.13"), result.loaded().get().from().file());
        assertEquals("loaded", result.attempts().get(result.attempts().size() - 1).outcome());
        // every existing file before it was tried (and failed), in order
        assertEquals(12, opened.size(), opened.toString()); // 10 files and the 2 sonames before it
        assertTrue(opened.get(0).contains("home/cuda/lib64/libcublas.so.13"));
    }

    @Test
    void companionsAreFoundExactlyOrByTheNewestVersionSuffix(@TempDir Path tmp) throws IOException {
        touch(tmp.resolve("libnvrtc-builtins.so.13.0"));
        touch(tmp.resolve("libnvrtc-builtins.so.13.3"));
        touch(tmp.resolve("libnvrtc-builtins.so.130"));
        assertEquals(tmp.resolve("libnvrtc-builtins.so.13.3"),
                LibraryLoader.companion(tmp, "libnvrtc-builtins.so.13").orElseThrow());
        touch(tmp.resolve("libnvrtc-builtins.so.13"));
        assertEquals(tmp.resolve("libnvrtc-builtins.so.13"),
                LibraryLoader.companion(tmp, "libnvrtc-builtins.so.13").orElseThrow());
        assertTrue(LibraryLoader.companion(tmp, "libcublasLt.so.13").isEmpty());
    }

    @Test
    void versionsCompareNumerically() {
        assertTrue(LibraryDiscovery.compareVersions("12.10", "12.9") > 0);
        assertTrue(LibraryDiscovery.compareVersions("13.0", "12.10") > 0);
        assertEquals(0, LibraryDiscovery.compareVersions("13.0", "13.0"));
        assertTrue(LibraryDiscovery.compareVersions("13.0.1", "13.0") > 0);
    }
}
