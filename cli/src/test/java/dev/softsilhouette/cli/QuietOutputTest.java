package dev.softsilhouette.cli;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line prints results and nothing else unless {@code --verbose}; {@code backends} gives one short line
 * per backend. Each selection below names a backend that does not exist first, with a spec used by no other test:
 * the library logs a selection once per JVM, and a fallback from a named backend is its one WARNING.
 */
class QuietOutputTest {
    @TempDir
    static Path dir;
    private static String x;
    private static String y;

    @BeforeAll
    static void files() throws IOException {
        TestData.Labelled data = TestData.clusters(40, 3, 2, 11);
        x = TestData.writeEmbeddings(dir, "x.npy", data).toString();
        y = TestData.writeLabels(dir, "y.npy", data.y()).toString();
    }

    @Test
    void scorePrintsResultsOnly() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y, "--backend",
                "no-such-backend-quiet,reference");
        assertEquals(SilhouetteCli.OK, r.status(), r.toString());
        assertEquals("", r.err(), "nothing on stderr without --verbose:\n" + r);
        assertTrue(r.out().startsWith("score "), r.toString());
    }

    @Test
    void verboseShowsTheLibraryLog() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y, "--backend",
                "no-such-backend-verbose,reference", "--verbose");
        assertEquals(SilhouetteCli.OK, r.status(), r.toString());
        assertTrue(r.err().contains("[warning] Soft silhouette backend 'no-such-backend-verbose'"), r.toString());
        assertTrue(r.err().contains("[debug] Soft silhouette backend 'reference' selected"), r.toString());
        assertTrue(r.out().startsWith("score "), "results stay on stdout:\n" + r);
    }

    @Test
    void backendsGivesOneShortLinePerBackend() {
        List<BackendInfo> all = Backends.list();
        CliRunner.Result r = CliRunner.run("backends");
        assertEquals(SilhouetteCli.OK, r.status(), r.toString());
        assertEquals("", r.err(), r.toString());
        List<String> lines = r.out().lines().toList();
        for (BackendInfo b : all) {
            assertEquals(1, lines.stream().filter(l -> l.startsWith("  " + b.name() + " ")).count(), r.toString());
        }
        for (String line : lines) {
            assertTrue(line.length() <= 200, "a short line per backend:\n" + line);
        }
        CliRunner.Result verbose = CliRunner.run("backends", "--verbose");
        for (BackendInfo b : all) {
            assertTrue(verbose.out().contains(b.describe()), "--verbose gives every reason in full:\n" + verbose);
        }
    }

    @Test
    void firstCauseKeepsTheFirstReasonAndCountsThePlacesSearched() {
        String libraries = "CUDA driver (libcuda) (libcuda.so.1) could not be loaded; tried 20 places: a; b. Install"
                + " it | cuBLAS (libcublas.so.13) could not be loaded; tried 7 places: c; d";
        assertEquals("CUDA driver (libcuda) (libcuda.so.1) could not be loaded (27 places searched; --verbose lists "
                + "them)", BackendsCommand.firstCause(libraries));
        assertEquals("the NVIDIA driver library libcuda.so.1 was not found (--verbose for the rest)",
                BackendsCommand.firstCause("the NVIDIA driver library libcuda.so.1 was not found (/a/b.so: libcuda.so"
                        + ".1: cannot open shared object file): install the NVIDIA driver"));
        String whole = "the Vector API module is not in this JVM; start it with --add-modules jdk.incubator.vector";
        assertEquals(whole, BackendsCommand.firstCause(whole));
    }
}
