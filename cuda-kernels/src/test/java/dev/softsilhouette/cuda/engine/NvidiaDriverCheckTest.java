package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision on fake machines: a file-system tree under a temporary root, and a made-up environment. */
class NvidiaDriverCheckTest {

    @TempDir
    Path root;

    private NvidiaDriverCheck.Environment linux(Map<String, String> variables, List<Path> extraFolders) {
        return new NvidiaDriverCheck.Environment("Linux", variables, extraFolders, root);
    }

    private NvidiaDriverCheck.Environment linux() {
        return linux(Map.of(), List.of());
    }

    private Path touch(String relative) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.write(file, new byte[0]);
    }

    /** A loader cache holding the given sonames, NUL-terminated as glibc writes them. */
    private void loaderCache(String... sonames) throws IOException {
        Files.createDirectories(root.resolve("etc"));
        StringBuilder text = new StringBuilder("glibc-ld.so.cache1.1");
        for (String soname : sonames) {
            text.append(soname).append('\0').append("/usr/lib/x86_64-linux-gnu/").append(soname).append('\0');
        }
        Files.writeString(root.resolve("etc/ld.so.cache"), text, StandardCharsets.ISO_8859_1);
    }

    private static void assertMayBePresent(Optional<String> answer, String why) {
        assertEquals(Optional.empty(), answer, why + ": the full probe must run");
    }

    @Test
    void aMachineWithNoTraceOfADriverSaysWhyAndWhatWasSearched() throws IOException {
        loaderCache("libc.so.6", "libcudart.so.13", "libcuda.so.10"); // near names are not the driver
        touch("usr/lib/x86_64-linux-gnu/libcudart.so.13");
        touch("dev/null");
        Optional<String> answer = NvidiaDriverCheck.whyAbsent(linux());
        assertTrue(answer.isPresent(), "nothing of a driver here");
        String reason = answer.get();
        assertTrue(reason.startsWith("no NVIDIA driver: /proc/driver/nvidia, /dev/nvidia* and /dev/dxg are absent"
                + " and libcuda.so.1 was not found; tried 13 places: the loader cache " + root.resolve("etc/ld.so.cache")
                + "; " + root.resolve("lib") + "; "), reason);
        assertTrue(reason.endsWith("; " + root.resolve("usr/local/nvidia/lib")
                + ". Install the NVIDIA driver, or use a CPU backend"), reason);
    }

    @Test
    void eachTraceOfADriverLetsTheFullProbeRun() throws IOException {
        for (String trace : List.of("proc/driver/nvidia/", "dev/nvidia0", "dev/nvidiactl", "dev/dxg",
                "usr/lib/x86_64-linux-gnu/libcuda.so.1", "lib64/libcuda.so.1", "usr/lib/wsl/lib/libcuda.so.1",
                "usr/local/cuda/compat/libcuda.so.1")) {
            Path file = trace.endsWith("/") ? Files.createDirectories(root.resolve(trace)) : touch(trace);
            assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux()), trace);
            Files.delete(file);
            assertTrue(NvidiaDriverCheck.whyAbsent(linux()).isPresent(), "without " + trace);
        }
    }

    @Test
    void theLoaderCacheNamingTheDriverLetsTheFullProbeRun() throws IOException {
        loaderCache("libc.so.6", "libcuda.so.1");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux()), "libcuda.so.1 in /etc/ld.so.cache");
    }

    @Test
    void aLoaderCacheThatCannotBeReadLetsTheFullProbeRun() throws IOException {
        Files.createDirectories(root.resolve("etc/ld.so.cache")); // a folder: reading it fails
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux()), "an unreadable loader cache");
    }

    @Test
    void theFoldersOfTheEnvironmentAndTheBackendAreSearched() throws IOException {
        touch("opt/drivers/libcuda.so.1");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux(
                Map.of("LD_LIBRARY_PATH", "relative/dir::" + root.resolve("opt/drivers")), List.of())),
                "LD_LIBRARY_PATH");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux(Map.of(), List.of(root.resolve("opt/drivers")))),
                "a folder the backend searches");
        assertTrue(NvidiaDriverCheck.whyAbsent(linux(Map.of(), List.of(Path.of("opt/drivers")))).isPresent(),
                "a relative folder is never searched");
        touch("toolkit/compat/libcuda.so.1");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux(Map.of("CUDA_HOME", root.resolve("toolkit").toString()),
                List.of())), "$CUDA_HOME/compat");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(linux(Map.of("CUDA_PATH", root.resolve("toolkit").toString()),
                List.of())), "$CUDA_PATH/compat");
    }

    @Test
    void theFolderListHasEachFolderOnceInSearchOrder() {
        Path toolkit = root.resolve("toolkit");
        List<Path> folders = NvidiaDriverCheck.libraryFolders(linux(Map.of("LD_LIBRARY_PATH",
                root.resolve("usr/lib") + ":" + toolkit.resolve("lib64"), "CUDA_HOME", toolkit.toString()),
                List.of(root.resolve("extra"))));
        assertEquals(List.of(root.resolve("usr/lib"), toolkit.resolve("lib64"), root.resolve("extra"),
                toolkit.resolve("lib")), folders.subList(0, 4));
        assertEquals(folders.size(), folders.stream().distinct().count());
        assertEquals(2 + 1 + 3 + 11, folders.size(), "LD_LIBRARY_PATH, extra, $CUDA_HOME less lib64, the system "
                + "folders less usr/lib");
    }

    @Test
    void otherSystemsAreLeftToTheFullProbe() {
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(new NvidiaDriverCheck.Environment("Windows 11", Map.of(),
                List.of(), root)), "Windows");
        assertMayBePresent(NvidiaDriverCheck.whyAbsent(new NvidiaDriverCheck.Environment("Mac OS X", Map.of(),
                List.of(), root)), "macOS");
    }
}
