package dev.softsilhouette.cli;

import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad usage and bad input exits with status 2 and one line that names the file, option or row. */
class BadInputTest {
    @TempDir
    static Path dir;
    private static String x;
    private static String y;

    @BeforeAll
    static void files() throws IOException {
        TestData.Labelled data = TestData.clusters(12, 3, 3, 1);
        x = TestData.writeEmbeddings(dir, "x.npy", data).toString();
        y = TestData.writeLabels(dir, "y.npy", data.y()).toString();
        // Embeddings that are wrong in one way each.
        Files.write(dir.resolve("empty.npy"), new byte[0]);
        Files.writeString(dir.resolve("empty.csv"), "");
        Files.writeString(dir.resolve("blank.csv"), "\n\n  \n");
        Files.writeString(dir.resolve("notnpy.npy"), "this is text, not numpy\n");
        byte[] good = Files.readAllBytes(Path.of(x));
        Files.write(dir.resolve("truncated.npy"), Arrays.copyOf(good, good.length - 7));
        Files.write(dir.resolve("header-cut.npy"), Arrays.copyOf(good, 30));
        byte[] longer = Arrays.copyOf(good, good.length + 4);
        Files.write(dir.resolve("trailing.npy"), longer);
        TestData.fixture(dir, "numpy-f4-fortran.npy");
        TestData.fixture(dir, "numpy-f2.npy");
        Npy.write(dir.resolve("three-d.npy"), NpyArray.ofFloat32(new float[8], 2, 2, 2));
        Npy.write(dir.resolve("one-d.npy"), NpyArray.ofFloat32(new float[12], 12));
        Npy.write(dir.resolve("int-x.npy"), NpyArray.ofInt32(new int[36], 12, 3));
        float[] nan = data.x().clone();
        nan[3 * 4 + 2] = Float.NaN;
        Npy.write(dir.resolve("nan.npy"), NpyArray.ofFloat32(nan, 12, 3));
        double[] huge = new double[36];
        huge[5] = 1e300;
        Npy.write(dir.resolve("huge.npy"), NpyArray.ofFloat64(huge, 12, 3));
        Files.writeString(dir.resolve("nan.csv"), "1,2,3\n4,nan,6\n");
        Files.writeString(dir.resolve("inf.csv"), "1,2,3\n4,5,Infinity\n");
        Files.writeString(dir.resolve("ragged.csv"), "1,2,3\n4,5\n");
        Files.writeString(dir.resolve("header.csv"), "a,b,c\n1,2,3\n");
        Files.writeString(dir.resolve("word.csv"), "1,2,3\n4,five,6\n");
        Files.writeString(dir.resolve("x.bin"), "1,2,3\n");
        Files.createDirectories(dir.resolve("a-directory.npy"));
        // Labels that are wrong in one way each.
        Npy.write(dir.resolve("float-y.npy"), NpyArray.ofFloat32(new float[12], 12));
        Npy.write(dir.resolve("two-d-y.npy"), NpyArray.ofInt32(new int[24], 12, 2));
        Npy.write(dir.resolve("short-y.npy"), NpyArray.ofInt32(new int[11], 11));
        long[] big = new long[12];
        big[4] = 1L << 40;
        Npy.write(dir.resolve("big-y.npy"), NpyArray.ofInt64(big, 12));
        long[] negative = new long[12];
        negative[6] = -1;
        Npy.write(dir.resolve("negative-y.npy"), NpyArray.ofInt64(negative, 12));
        int[] single = new int[12];
        Npy.write(dir.resolve("one-class-y.npy"), NpyArray.ofInt32(single, 12));
        int[] distinct = new int[12];
        for (int i = 0; i < 12; i++) {
            distinct[i] = i;
        }
        Npy.write(dir.resolve("all-distinct-y.npy"), NpyArray.ofInt32(distinct, 12));
        Files.writeString(dir.resolve("float-y.csv"), "1\n2.5\n");
        Files.writeString(dir.resolve("negative-y.csv"), "1\n-3\n");
        Files.writeString(dir.resolve("two-per-line-y.csv"), "1,2\n");
    }

    private static String f(String name) {
        return dir.resolve(name).toString();
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // usage
        c.add(of("unknown command", "unknown command 'scor'", "scor"));
        c.add(of("unknown option", "unknown option --metrics", "score", "--embeddings", x, "--labels", y,
                "--metrics", "cosine"));
        c.add(of("missing labels", "missing --labels", "score", "--embeddings", x));
        c.add(of("missing embeddings", "missing --embeddings", "loss", "--labels", y));
        c.add(of("option without value", "--metric needs a value", "score", "--embeddings", x, "--labels", y,
                "--metric"));
        c.add(of("repeated option", "--metric is given twice", "score", "--embeddings", x, "--labels", y,
                "--metric", "cosine", "--metric", "euclidean"));
        c.add(of("positional argument", "unexpected argument 'extra'", "score", "extra"));
        c.add(of("unknown metric", "--metric must be euclidean, sqeuclidean or cosine, got 'manhattan'", "score",
                "--embeddings", x, "--labels", y, "--metric", "manhattan"));
        c.add(of("negative tau", "--tau must be a finite number >= 0, got '-1'", "loss", "--embeddings", x,
                "--labels", y, "--tau", "-1"));
        c.add(of("NaN tau", "--tau must be a finite number >= 0, got 'NaN'", "loss", "--embeddings", x,
                "--labels", y, "--tau", "NaN"));
        c.add(of("reduction none", "--reduction must be mean or sum, got 'none'", "loss", "--embeddings", x,
                "--labels", y, "--reduction", "none"));
        c.add(of("repeat zero", "--repeat must be a positive integer, got '0'", "score", "--embeddings", x,
                "--labels", y, "--repeat", "0"));
        c.add(of("repeat word", "--repeat must be a positive integer, got 'many'", "loss", "--embeddings", x,
                "--labels", y, "--repeat", "many"));
        c.add(of("flag with value", "--json takes no value", "backends", "--json=yes"));
        c.add(of("output directory missing", "does not exist", "score", "--embeddings", x, "--labels", y,
                "--samples-out", f("no/such/dir/s.npy")));
        c.add(of("gradient output of unknown type", "--grad-out " + f("g.bin")
                + ": unknown output type; name it .npy (float32) or .csv", "loss", "--embeddings", x, "--labels", y,
                "--grad-out", f("g.bin")));
        c.add(of("samples output of unknown type", "unknown output type", "score", "--embeddings", x, "--labels", y,
                "--samples-out", f("s.json")));
        c.add(of("demo plot of unknown type", "demo: --plot " + f("plot.gif")
                + ": the plot is written as PNG or JPEG; name it .png or .jpg", "demo", "--plot", f("plot.gif")));
        c.add(of("demo dataset", "--dataset must be digits or fashion-mnist, got 'cifar'", "demo", "--dataset",
                "cifar"));
        c.add(of("demo epochs", "--epochs must be a positive integer, got '0'", "demo", "--epochs", "0"));
        c.add(of("demo missing data dir", "Fashion-MNIST directory " + f("nowhere") + " does not exist", "demo",
                "--dataset", "fashion-mnist", "--data-dir", f("nowhere")));
        // files
        c.add(of("missing file", f("missing.npy") + ": no such file", "score", "--embeddings", f("missing.npy"),
                "--labels", y));
        c.add(of("directory", "a-directory.npy: is a directory", "score", "--embeddings", f("a-directory.npy"),
                "--labels", y));
        c.add(of("unknown extension", "x.bin: unknown file type; use .npy or .csv", "score", "--embeddings",
                f("x.bin"), "--labels", y));
        c.add(of("empty npy", "empty.npy: the file is empty", "score", "--embeddings", f("empty.npy"), "--labels",
                y));
        c.add(of("empty csv", "empty.csv: the file is empty", "score", "--embeddings", f("empty.csv"), "--labels",
                y));
        c.add(of("blank csv", "blank.csv: the file is empty", "loss", "--embeddings", f("blank.csv"), "--labels",
                y));
        c.add(of("not npy", "notnpy.npy: not a .npy file", "score", "--embeddings", f("notnpy.npy"), "--labels",
                y));
        c.add(of("truncated npy", "truncated.npy: truncated .npy file: shape (12, 3) of float32 needs 144 data "
                + "bytes, the file holds 137", "score", "--embeddings", f("truncated.npy"), "--labels", y));
        c.add(of("header cut", "header-cut.npy: truncated .npy file (the header says", "score", "--embeddings",
                f("header-cut.npy"), "--labels", y));
        c.add(of("trailing bytes", "trailing.npy: 4 unexpected bytes after the data", "score", "--embeddings",
                f("trailing.npy"), "--labels", y));
        c.add(of("fortran order", "numpy-f4-fortran.npy: the array is stored in Fortran order", "score",
                "--embeddings", f("numpy-f4-fortran.npy"), "--labels", y));
        c.add(of("float16", "numpy-f2.npy: dtype '<f2' is not supported", "score", "--embeddings",
                f("numpy-f2.npy"), "--labels", y));
        c.add(of("3-D embeddings", "three-d.npy: embeddings must be a 2-D array (n, d), this one has shape "
                + "(2, 2, 2)", "score", "--embeddings", f("three-d.npy"), "--labels", y));
        c.add(of("1-D embeddings", "one-d.npy: embeddings must be a 2-D array (n, d), this one has shape (12,)",
                "score", "--embeddings", f("one-d.npy"), "--labels", y));
        c.add(of("integer embeddings", "int-x.npy: embeddings must be float32 or float64, this array is int32",
                "score", "--embeddings", f("int-x.npy"), "--labels", y));
        c.add(of("NaN in npy", "nan.npy: row 4 column 2 is NaN; every value must be finite", "score",
                "--embeddings", f("nan.npy"), "--labels", y));
        c.add(of("beyond float32", "huge.npy: row 1 column 2 is 1.0E300, beyond the float32 range", "loss",
                "--embeddings", f("huge.npy"), "--labels", y));
        c.add(of("NaN in csv", "nan.csv: line 2 column 2 is nan; every value must be finite", "score",
                "--embeddings", f("nan.csv"), "--labels", y));
        c.add(of("infinity in csv", "inf.csv: line 2 column 3 is Infinity", "score", "--embeddings", f("inf.csv"),
                "--labels", y));
        c.add(of("ragged csv", "ragged.csv: line 2 has 2 values, line 1 has 3", "score", "--embeddings",
                f("ragged.csv"), "--labels", y));
        c.add(of("csv header", "header.csv: line 1 column 1: 'a' is not a number (header lines are not supported)",
                "score", "--embeddings", f("header.csv"), "--labels", y));
        c.add(of("word in csv", "word.csv: line 2 column 2: 'five' is not a number", "score", "--embeddings",
                f("word.csv"), "--labels", y));
        // labels
        c.add(of("float labels", "float-y.npy: labels must be integers (int8 to int64, uint8 to uint32), this array is float32",
                "score", "--embeddings", x, "--labels", f("float-y.npy")));
        c.add(of("2-D labels", "two-d-y.npy: labels must be a 1-D array (n,) or a column (n, 1), this one has shape (12, 2)", "score",
                "--embeddings", x, "--labels", f("two-d-y.npy")));
        c.add(of("count mismatch", "short-y.npy holds 11 labels but " + x + " holds 12 rows", "score",
                "--embeddings", x, "--labels", f("short-y.npy")));
        c.add(of("label beyond int32", "big-y.npy: label at index 4 is 1099511627776", "score", "--embeddings", x,
                "--labels", f("big-y.npy")));
        c.add(of("negative label npy", "negative-y.npy: label at index 6 is -1", "loss", "--embeddings", x,
                "--labels", f("negative-y.npy")));
        c.add(of("negative label csv", "negative-y.csv: line 2: label -3 is out of range", "score", "--embeddings",
                x, "--labels", f("negative-y.csv")));
        c.add(of("non-integer label", "float-y.csv: line 2: '2.5' is not an integer label", "score",
                "--embeddings", x, "--labels", f("float-y.csv")));
        c.add(of("two labels a line", "two-per-line-y.csv: line 1 holds several values", "score", "--embeddings",
                x, "--labels", f("two-per-line-y.csv")));
        c.add(of("one class", "one-class-y.npy: the number of distinct labels is 1; the silhouette score needs 2 to n-1",
                "score",
                "--embeddings", x, "--labels", f("one-class-y.npy")));
        c.add(of("every row its own class", "all-distinct-y.npy: the number of distinct labels is 12; the silhouette "
                + "score needs 2 to "
                + "n-1 (n=12)", "score", "--embeddings", x, "--labels", f("all-distinct-y.npy")));
        return c.stream();
    }

    private static Arguments of(String name, String reason, String... args) {
        return Arguments.of(name, reason, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exitsTwoWithOneLineThatSaysWhy(String name, String reason, String[] args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(SilhouetteCli.USAGE, r.status(), r.toString());
        assertTrue(r.err().contains(reason), "expected '" + reason + "' in\n" + r.err());
        assertEquals(1, r.err().lines().count(), "one line on stderr:\n" + r.err());
        assertTrue(r.err().startsWith("silhouette: "), r.err());
        assertFalse(r.err().contains("Exception"), "no exception names or stack traces:\n" + r.err());
        assertEquals("", r.out(), "nothing on stdout");
    }

    @Test
    void unknownBackendExitsTwoAndListsWhatWasFound() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y, "--backend", "no-such-backend");
        assertEquals(SilhouetteCli.USAGE, r.status(), r.toString());
        String first = r.err().lines().findFirst().orElseThrow();
        assertTrue(first.contains("no-such-backend"), r.err());
        assertTrue(r.err().contains("reference"), "the listing names the backends found:\n" + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
    }

    @Test
    void aMisspeltBackendSaysItCameFromTheOptionAndSuggestsTheName() {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y, "--backend", "refrence");
        assertEquals(SilhouetteCli.USAGE, r.status(), r.toString());
        assertEquals("silhouette: backend 'refrence' was not found; did you mean 'reference'? (from --backend)",
                r.err().lines().findFirst().orElseThrow(), r.err());
        assertTrue(r.err().contains("Choose with --backend NAME"), r.err());
    }

    @Test
    void noArgumentsPrintsUsageAndExitsTwo() {
        CliRunner.Result r = CliRunner.run();
        assertEquals(SilhouetteCli.USAGE, r.status());
        assertTrue(r.err().contains("Usage: silhouette COMMAND"), r.err());
    }

    @Test
    void helpAndVersionSucceed() {
        CliRunner.Result help = CliRunner.run("--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("Commands:"));
        CliRunner.Result scoreHelp = CliRunner.run("score", "--help");
        assertEquals(0, scoreHelp.status());
        assertTrue(scoreHelp.out().contains("--samples-out"));
        CliRunner.Result version = CliRunner.run("--version");
        assertEquals(0, version.status());
        assertTrue(version.out().matches("silhouette \\d+\\.\\d+\\.\\d+.*\\R"), version.out());
    }
}
