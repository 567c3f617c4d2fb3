package dev.softsilhouette.cli;

import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Outputs honour their extension: {@code .npy} is float32 NumPy, {@code .csv}/{@code .csv.gz} text with the same values. */
class OutputFormatTest {
    @TempDir
    static Path dir;
    static String x;
    static String y;

    @BeforeAll
    static void files() throws IOException {
        TestData.Labelled data = TestData.clusters(40, 5, 3, 11);
        x = TestData.writeEmbeddings(dir, "x.npy", data).toString();
        y = TestData.writeLabels(dir, "y.npy", data.y()).toString();
    }

    @Test
    void theGradientAsCsvHoldsTheSameFloatsAsTheNpy() throws IOException {
        Path npy = dir.resolve("g.npy");
        Path csv = dir.resolve("g.csv");
        Path gz = dir.resolve("g.csv.gz");
        for (Path out : List.of(npy, csv, gz)) {
            CliRunner.Result r = CliRunner.run("loss", "--embeddings", x, "--labels", y, "--backend", "reference",
                    "--grad-out", out.toString());
            assertEquals(0, r.status(), r.toString());
        }
        NpyArray g = Npy.read(npy);
        assertEquals(2, g.rank());
        assertEquals(40, g.shape()[0]);
        assertEquals(5, g.shape()[1]);
        assertTextHolds(Files.newBufferedReader(csv, StandardCharsets.UTF_8), g, 5);
        assertTextHolds(new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(gz)),
                StandardCharsets.UTF_8)), g, 5);
        assertTrue(CliRunner.run("loss", "--embeddings", x, "--labels", y, "--backend", "reference", "--grad-out",
                csv.toString()).out().contains("(dL/dX, text, shape (40, 5))"));
    }

    @Test
    void samplesAsCsvHoldOneValuePerLine() throws IOException {
        Path npy = dir.resolve("s.npy");
        Path csv = dir.resolve("s.csv");
        for (Path out : List.of(npy, csv)) {
            CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y, "--backend", "reference",
                    "--samples-out", out.toString());
            assertEquals(0, r.status(), r.toString());
        }
        NpyArray s = Npy.read(npy);
        assertEquals(1, s.rank());
        assertTextHolds(Files.newBufferedReader(csv, StandardCharsets.UTF_8), s, 1);
    }

    private static void assertTextHolds(BufferedReader text, NpyArray expected, int cols) throws IOException {
        try (text) {
            List<String> lines = text.lines().toList();
            assertEquals(expected.shape()[0], lines.size());
            for (int r = 0; r < lines.size(); r++) {
                String[] fields = lines.get(r).split(",");
                assertEquals(cols, fields.length, "line " + (r + 1));
                for (int c = 0; c < cols; c++) {
                    assertEquals((float) expected.getDouble((long) r * cols + c), Float.parseFloat(fields[c]),
                            "line " + (r + 1) + " column " + (c + 1));
                }
            }
        }
    }
}
