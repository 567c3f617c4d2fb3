package dev.softsilhouette.cli;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the input readers with broken {@code .npy}, {@code .csv} and {@code .csv.gz} files: random bytes, truncated
 * and lying headers, shapes that overflow or exceed the file, zero and negative dimensions, unknown dtypes, byte-order
 * marks, NaN and infinity, malformed UTF-8, truncated and corrupt gzip streams, and (as examples) 10 MB lines. Every
 * file must end in exit status 2 and exactly one line on stderr that names the file and the problem the generator
 * built in: no stack trace, no exception name, no OutOfMemoryError (the header's shape is checked against the file
 * size before anything is allocated).
 *
 * <p>Fixed seeds: the same files, hence the same verdict, in every build. 3 x 700 generated files plus the examples.
 */
class BrokenInputFuzzProperties {
    private static final String SEED = "20261130";
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final AtomicInteger FILES = new AtomicInteger();
    private static Path dir;
    private static Path validEmbeddings;
    private static Path validLabels;

    enum Role { EMBEDDINGS, LABELS }

    /** One broken file: its name suffix, its bytes, which input it is given as, and what the message must say. */
    record Broken(String suffix, byte[] content, Role role, Pattern problem, String what) {
        @Override
        public String toString() {
            return what + " as " + role + " " + suffix + " (" + content.length + " bytes)";
        }
    }

    @BeforeContainer
    static void validCounterparts() throws IOException {
        dir = Files.createTempDirectory("silhouette-fuzz");
        validEmbeddings = dir.resolve("x.csv");
        Files.writeString(validEmbeddings, "0,0\n0,1\n5,5\n5,6\n");
        validLabels = dir.resolve("y.csv");
        Files.writeString(validLabels, "0\n0\n1\n1\n");
    }

    @AfterContainer
    static void report() throws IOException {
        System.out.println("[fuzz] " + FILES.get() + " broken input files, every one exit 2 with one line");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 700, seed = SEED)
    void brokenNpyFiles(@ForAll("npy") Broken file) {
        check(file);
    }

    @Property(tries = 700, seed = SEED)
    void brokenCsvFiles(@ForAll("csv") Broken file) {
        check(file);
    }

    @Property(tries = 700, seed = SEED)
    void brokenGzipFiles(@ForAll("csvGz") Broken file) {
        check(file);
    }

    // ---------------------------------------------------------------- 10 MB lines and regressions found by the fuzzer

    private static final int TEN_MB = 10 << 20;

    @Example
    void aTenMegabyteLineOfNumbersEndingInJunk() {
        check(new Broken(".csv", tenMbLine("1,", "x\n"), Role.EMBEDDINGS, Pattern.compile("'x' is not a number"),
                "10 MB line"));
    }

    @Example
    void aTenMegabyteNumber() {
        check(new Broken(".csv", tenMbLine("9", "\n"), Role.EMBEDDINGS,
                Pattern.compile("line 1 column 1 is 9{37}\\.\\.\\.; every value must be finite$"),
                "10 MB number"));
    }

    @Example
    void aTenMegabyteLineCompressed() {
        check(new Broken(".csv.gz", gzip(tenMbLine("0.5,", "nan\n")), Role.EMBEDDINGS,
                Pattern.compile("is nan; every value must be finite"), "10 MB line, gzip"));
    }

    @Example
    void aTenMegabyteLabel() {
        check(new Broken(".csv", tenMbLine("7", "\n"), Role.LABELS, Pattern.compile("is not an integer label"),
                "10 MB label"));
    }

    @Example
    void aShapeWhoseByteCountOverflowsLong() {
        check(new Broken(".npy", npy("<f8", "False", "(3037000500, 3037000500)", new byte[16]), Role.EMBEDDINGS,
                Pattern.compile("is too large"), "N*D*8 > 2^63"));
    }

    @Example
    void aShapeLargerThanTheFileIsRefusedBeforeAnyAllocation() {
        check(new Broken(".npy", npy("<f4", "False", "(2147483647, 1024)", new byte[64]), Role.EMBEDDINGS,
                Pattern.compile("truncated .npy file: shape \\(2147483647, 1024\\) of float32 needs 8796093018112 "
                        + "data bytes, the file holds 64"), "8 TiB shape"));
    }

    @Example
    void aHeaderLengthOfFourGigabytes() {
        byte[] bytes = new byte[64];
        System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
        bytes[6] = 2;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -16);
        check(new Broken(".npy", bytes, Role.EMBEDDINGS, Pattern.compile("truncated .npy file \\(the header says "
                + "4294967280 bytes"), "v2 header length 2^32-16"));
    }

    @Example
    void aShapeWithALineBreakIsShownOnOneLine() {
        check(new Broken(".npy", npy("<f4", "False", "(2,\n3x)", new byte[24]), Role.EMBEDDINGS,
                Pattern.compile("unreadable shape \\(2,\\\\u000A3x\\)"), "line break in the shape"));
    }

    // Failures the fuzzer found in the first readers, each pinned (the readers before this class: the message of a
    // 10 MB number held the whole number; a byte-order mark or malformed UTF-8 made a non-number out of line 1;
    // Long.parseLong took non-ASCII digits; header text and gzip errors reached the message raw).

    @Example
    void regressionAByteOrderMarkBeforeABadLabelOnLine2() {
        check(new Broken(".csv", concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "0\n-1\n1\n1\n".getBytes(StandardCharsets.US_ASCII)), Role.LABELS,
                Pattern.compile("line 2: label -1 is out of range"), "BOM, label -1 on line 2"));
    }

    @Example
    void regressionUtf16Labels() {
        byte[] text = "0\n0\n1\n1\n".getBytes(StandardCharsets.UTF_16LE);
        check(new Broken(".csv", concat(new byte[]{(byte) 0xFF, (byte) 0xFE}, text), Role.LABELS,
                Pattern.compile("UTF-16 or UTF-32 byte-order mark; save it as UTF-8"), "UTF-16 LE labels"));
    }

    @Example
    void regressionMalformedUtf8InALabel() {
        check(new Broken(".csv", new byte[]{'0', (byte) 0xFF, '\n', '0', '\n', '1', '\n', '1', '\n'}, Role.LABELS,
                Pattern.compile("cannot read: the text is not UTF-8"), "0xFF after a label"));
    }

    @Example
    void regressionANonAsciiDigitIsNotALabel() {
        check(new Broken(".csv.gz", gzip("0\n\u0661\n1\n1\n".getBytes(StandardCharsets.UTF_8)), Role.LABELS,
                Pattern.compile("line 2: '\u0661' is not an integer label"), "Arabic-Indic one"));
    }

    @Example
    void regressionAGzipStreamCutAfterTwoBytes() {
        check(new Broken(".csv.gz", Arrays.copyOf(gzip("0\n0\n1\n1\n".getBytes(StandardCharsets.US_ASCII)), 2),
                Role.LABELS, Pattern.compile("cannot read: the gzip stream is truncated"), "gzip cut at 2"));
    }

    @Example
    void regressionACorruptGzipStreamSaysGzip() {
        byte[] z = gzip("0,0\n0,1\n5,5\n5,6\n".getBytes(StandardCharsets.US_ASCII));
        z[z.length - 8] ^= 1; // the CRC-32 of the trailer
        check(new Broken(".csv.gz", z, Role.EMBEDDINGS,
                Pattern.compile("cannot read: not a valid gzip stream \\(Corrupt GZIP trailer\\)"), "gzip CRC flipped"));
    }

    @Example
    void anUtf8ByteOrderMarkIsSkipped() throws IOException {
        Path x = dir.resolve("bom-x.csv");
        Files.write(x, concat(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "0,0\n0,1\n5,5\n5,6\n"
                .getBytes(StandardCharsets.US_ASCII)));
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x.toString(), "--labels", validLabels.toString());
        assertEquals(0, r.status(), r.toString());
    }

    // ---------------------------------------------------------------- the check

    private static void check(Broken file) {
        Path path = dir.resolve("f" + FILES.incrementAndGet() + file.suffix());
        try {
            Files.write(path, file.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String x = file.role() == Role.EMBEDDINGS ? path.toString() : validEmbeddings.toString();
        String y = file.role() == Role.LABELS ? path.toString() : validLabels.toString();
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", y);
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String err = r.err();
        assertEquals(SilhouetteCli.USAGE, r.status(), file + "\n" + r);
        assertEquals("", r.out(), file + "\n" + r);
        assertTrue(err.endsWith("\n") && err.indexOf('\n') == err.length() - 1 && err.indexOf('\r') < 0,
                "not exactly one line: " + file + "\n" + r);
        assertTrue(err.startsWith("silhouette: " + path + ": "), "the line does not start with the file: " + r);
        assertTrue(err.length() < 400, "a " + err.length() + "-character line: " + r);
        assertTrue(!err.contains("Exception") && !err.contains("Error") && !err.contains("\tat "),
                "an exception leaked: " + r);
        assertTrue(file.problem().matcher(err.strip()).find(),
                "the line does not say /" + file.problem() + "/: " + file + "\n" + r);
    }

    // ---------------------------------------------------------------- .npy generators

    private static final Pattern ANY_NPY_PROBLEM = Pattern.compile("not a \\.npy file|the file is empty|truncated"
            + "|unsupported \\.npy format version|not plausible|header has no readable|unreadable shape|dtype"
            + "|Fortran order|too large|unexpected bytes|holds no|must be|finite|label at index");

    @Provide
    Arbitrary<Broken> npy() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, randomBytes()),
                net.jqwik.api.Tuple.of(2, magicThenNoise()),
                net.jqwik.api.Tuple.of(2, lyingHeaderLength()),
                net.jqwik.api.Tuple.of(8, structuredNpy()));
    }

    private static Arbitrary<Broken> randomBytes() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(300), roles())
                .as((bytes, role) -> {
                    if (bytes.length > 0 && bytes[0] == MAGIC[0]) {
                        bytes[0] = 0;
                    }
                    return new Broken(".npy", bytes, role, Pattern.compile("not a \\.npy file|the file is empty"),
                            "random bytes");
                });
    }

    private static Arbitrary<Broken> magicThenNoise() {
        return Combinators.combine(Arbitraries.of(0, 1, 2, 3, 4, 255), Arbitraries.bytes().array(byte[].class)
                .ofMaxSize(80), roles()).as((major, noise, role) -> {
                    byte[] bytes = concat(MAGIC, new byte[]{(byte) (int) major, 0}, noise);
                    return new Broken(".npy", bytes, role, ANY_NPY_PROBLEM, "magic, version " + major + ", noise");
                });
    }

    /** A correct header and data, but the header length field says something else. */
    private static Arbitrary<Broken> lyingHeaderLength() {
        return Combinators.combine(Arbitraries.integers().between(0, 65535), Arbitraries.of(1, 2, 3), roles())
                .as((length, major, role) -> {
                    byte[] good = role == Role.EMBEDDINGS ? npy("<f4", "False", "(4, 2)", floats(0, 0, 0, 1, 5, 5, 5, 6))
                            : npy("<i8", "False", "(4,)", longs(0, 0, 1, 1));
                    byte[] header = Arrays.copyOfRange(good, 10, headerEnd(good));
                    if (length == header.length) {
                        length = header.length + 1;
                    }
                    byte[] data = Arrays.copyOfRange(good, headerEnd(good), good.length);
                    return new Broken(".npy", concat(preamble(major, length), header, data), role, ANY_NPY_PROBLEM,
                            "header length " + length + " instead of " + header.length);
                });
    }

    private static final List<String> GOOD_DESCR = List.of("<f4", "<f8", ">f4", ">f8", "<i4", "<i8", ">i8", "|u1",
            "|i1", "<i2", ">u2", "<u4");
    private static final List<String> BAD_DESCR = List.of("<f2", "<c8", "|b1", "<U10", "|O", "", "<f4 ", "f4",
            "<f16", "<u8", "\u00e9\u00e9", "<M8[ns]");
    private static final List<String> DIMS = List.of("0", "1", "2", "3", "4", "5", "7", "-1", "-3", "2147483647",
            "2147483648", "4294967297", "3037000500", "4611686018427387904", "9223372036854775807",
            "99999999999999999999", "abc", "2.5", "4L", " 3 ");

    /** A well-formed header with every field drawn from good and bad values; the oracle says what must be wrong. */
    private static Arbitrary<Broken> structuredNpy() {
        Arbitrary<String> descr = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, Arbitraries.of(GOOD_DESCR)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(BAD_DESCR)));
        Arbitrary<List<String>> shape = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.of(DIMS)), net.jqwik.api.Tuple.of(5, Arbitraries.of("1",
                        "2", "3", "4"))).list().ofMaxSize(3);
        Arbitrary<Integer> extraBytes = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(-40, 40)));
        return Combinators.combine(descr, Arbitraries.of("False", "True"), shape, extraBytes,
                Arbitraries.bytes().array(byte[].class).ofSize(256), Arbitraries.of(1, 2, 3), roles())
                .as(BrokenInputFuzzProperties::structured);
    }

    private static Broken structured(String descr, String fortran, List<String> dims, int extra, byte[] noise,
                                     int major, Role role) {
        String shapeText = "(" + String.join(", ", dims) + (dims.size() == 1 ? ",)" : ")");
        Long needed = neededBytes(descr, dims);
        int length = needed == null || needed > 4096 ? Math.max(0, 64 + extra) : (int) Math.max(0, needed + extra);
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = noise[i % noise.length];
        }
        Verdict v = oracle(descr, fortran, dims, data, role);
        if (v == null) { // a valid file: break it with one byte too many
            data = Arrays.copyOf(data, data.length + 1);
            v = new Verdict("1 unexpected bytes after the data", "one extra byte");
        }
        byte[] header = headerText(descr, fortran, shapeText).getBytes(major == 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        return new Broken(".npy", concat(preamble(major, header.length), header, data), role,
                Pattern.compile(v.regex()), v.what() + ": " + descr + " " + fortran + " " + shapeText + " + "
                + data.length + " bytes");
    }

    private record Verdict(String regex, String what) {
    }

    /** What the reader must say about this header and data first (null: nothing, the file is valid). */
    private static Verdict oracle(String descr, String fortran, List<String> dims, byte[] data, Role role) {
        if (!GOOD_DESCR.contains(descr)) {
            return new Verdict("dtype '.*' is not supported", "unknown dtype");
        }
        if (fortran.equals("True")) {
            return new Verdict("Fortran order", "Fortran order");
        }
        List<Long> shape = new ArrayList<>();
        for (String d : dims) {
            Long value = parseDim(d);
            if (value == null || value < 0) {
                return new Verdict("unreadable shape", "bad dimension " + d);
            }
            shape.add(value);
        }
        Long needed = neededBytes(descr, dims);
        if (needed == null) {
            return new Verdict("is too large \\(more than 2\\^63 bytes\\)", "overflowing shape");
        }
        if (data.length < needed) {
            return new Verdict("truncated \\.npy file: shape .* needs " + needed + " data bytes, the file holds "
                    + data.length, "shape larger than the file");
        }
        if (data.length > needed) {
            return new Verdict((data.length - needed) + " unexpected bytes after the data", "bytes after the data");
        }
        boolean floating = descr.charAt(1) == 'f';
        if (role == Role.EMBEDDINGS) {
            if (!floating) {
                return new Verdict("embeddings must be float32 or float64", "integer embeddings");
            }
            if (shape.size() != 2) {
                return new Verdict("embeddings must be a 2-D array", "rank " + shape.size());
            }
            if (needed == 0) {
                return new Verdict("holds no data", "zero rows or columns");
            }
            ByteBuffer b = ByteBuffer.wrap(data).order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            int size = descr.charAt(2) == '4' ? 4 : 8;
            for (int at = 0; at < data.length; at += size) {
                double value = size == 4 ? b.getFloat(at) : b.getDouble(at);
                if (!Float.isFinite((float) value)) {
                    return new Verdict("row \\d+ column \\d+ is .*; every value must be finite", "NaN or Inf data");
                }
            }
            return null;
        }
        if (floating) {
            return new Verdict("labels must be integers \\(int8 to int64, uint8 to uint32\\)", "float labels");
        }
        if (shape.size() != 1 && !(shape.size() == 2 && shape.get(1) == 1)) {
            return new Verdict("labels must be a 1-D array", "rank " + shape.size());
        }
        if (needed == 0) {
            return new Verdict("holds no labels", "no labels");
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
                : ByteOrder.LITTLE_ENDIAN);
        int size = descr.charAt(2) - '0';
        boolean unsigned = descr.charAt(1) == 'u';
        for (int at = 0; at < data.length; at += size) {
            long value = switch (size) {
                case 1 -> unsigned ? b.get(at) & 0xff : b.get(at);
                case 2 -> unsigned ? b.getShort(at) & 0xffff : b.getShort(at);
                case 4 -> unsigned ? b.getInt(at) & 0xffffffffL : b.getInt(at);
                default -> b.getLong(at);
            };
            if (value < 0 || value > Integer.MAX_VALUE) {
                return new Verdict("label at index \\d+ is -?\\d+; labels must be integers", "label out of range");
            }
        }
        return null;
    }

    /** Bytes the data must have, or null when that overflows a long or a dimension is unreadable. */
    private static Long neededBytes(String descr, List<String> dims) {
        if (!GOOD_DESCR.contains(descr)) {
            return null;
        }
        long n = descr.charAt(2) - '0';
        try {
            for (String d : dims) {
                Long v = parseDim(d);
                if (v == null || v < 0) {
                    return null;
                }
                n = Math.multiplyExact(n, v);
            }
        } catch (ArithmeticException e) {
            return null;
        }
        return n;
    }

    private static Long parseDim(String d) {
        String t = d.strip();
        if (t.endsWith("L")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- CSV generators

    @Provide
    Arbitrary<Broken> csv() {
        return brokenText().map(t -> new Broken(".csv", t.bytes(), t.role(), t.problem(), t.what()));
    }

    @Provide
    Arbitrary<Broken> csvGz() {
        Arbitrary<Broken> compressed = brokenText().map(t -> new Broken(".csv.gz", gzip(t.bytes()), t.role(),
                t.problem(), t.what() + ", gzip"));
        Arbitrary<Broken> truncated = Combinators.combine(validText(), Arbitraries.doubles().between(0, 0.999).ofScale(3))
                .as((t, cut) -> {
                    byte[] z = gzip(t.bytes());
                    return new Broken(".csv.gz", Arrays.copyOf(z, (int) (z.length * cut)), t.role(),
                            Pattern.compile("the gzip stream is truncated"), "gzip cut at " + (int) (z.length * cut)
                            + " of " + z.length);
                });
        Arbitrary<Broken> notGzip = Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMinSize(10)
                .ofMaxSize(200), roles()).as((bytes, role) -> {
                    bytes[0] = 'x';
                    return new Broken(".csv.gz", bytes, role, Pattern.compile("not a valid gzip stream \\(Not in "
                            + "GZIP format\\)"), "not gzip");
                });
        Arbitrary<Broken> corrupt = Combinators.combine(validText(), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.integers().between(1, 255)).as((t, where, flip) -> {
                    byte[] z = gzip(t.bytes());
                    int at = 10 + where % (z.length - 10); // past the fixed gzip header
                    z[at] ^= (byte) (int) flip;
                    return new Broken(".csv.gz", z, t.role(), Pattern.compile("gzip|not UTF-8|not a number|not an "
                            + "integer|values, line|finite|out of range|several values"),
                            "gzip with byte " + at + " flipped");
                });
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, compressed), net.jqwik.api.Tuple.of(3, truncated),
                net.jqwik.api.Tuple.of(1, notGzip), net.jqwik.api.Tuple.of(2, corrupt));
    }

    private record Text(byte[] bytes, Role role, Pattern problem, String what) {
    }

    private static Arbitrary<Text> brokenText() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, randomText()),
                net.jqwik.api.Tuple.of(5, defectiveMatrix()),
                net.jqwik.api.Tuple.of(3, defectiveLabels()),
                net.jqwik.api.Tuple.of(1, wideByteOrderMark()),
                net.jqwik.api.Tuple.of(1, malformedUtf8()));
    }

    /** Random bytes with a 'z' in them: no line holding it can be a number. */
    private static Arbitrary<Text> randomText() {
        return Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(300), Arbitraries.integers()
                .between(0, 300), roles(), utf8Bom()).as((bytes, at, role, bom) -> {
                    byte[] z = concat(Arrays.copyOf(bytes, Math.min(at, bytes.length)), new byte[]{'z'},
                            Arrays.copyOfRange(bytes, Math.min(at, bytes.length), bytes.length));
                    return new Text(concat(bom, z), role, Pattern.compile("not a number|not an integer label"
                            + "|several values|not UTF-8|byte-order mark|values, line|finite|out of range"),
                            "random bytes" + (bom.length > 0 ? " after a BOM" : ""));
                });
    }

    private static final List<String> NOT_NUMBERS = List.of("abc", "1f", "0x1p3", "", "1e", "--1", "1.2.3", "+",
            "NaNa", "1d", "\u00bd", "\t", "1 2", "\"1\"", "\u0000", "\u2028");
    private static final List<String> NON_FINITE = List.of("nan", "NaN", "-nan", "inf", "-inf", "+Inf",
            "Infinity", "-infinity", "1e39", "-3.5e38", "1e99999");

    /** A valid matrix with one defect: a short or long row, a token that is not a number, NaN or Inf, a header. */
    private static Arbitrary<Text> defectiveMatrix() {
        Arbitrary<Integer> defect = Arbitraries.integers().between(0, 4);
        return Combinators.combine(Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 5),
                defect, Arbitraries.of(NOT_NUMBERS), Arbitraries.of(NON_FINITE), Arbitraries.integers()
                        .between(0, 1000), utf8Bom()).as((rows, cols, kind, junk, nonFinite, where, bom) -> {
                    List<String> lines = new ArrayList<>();
                    for (int r = 0; r < rows; r++) {
                        List<String> fields = new ArrayList<>();
                        for (int c = 0; c < cols; c++) {
                            fields.add(String.valueOf((r * 7 + c * 3) % 11 - 5.25));
                        }
                        lines.add(String.join(",", fields));
                    }
                    int row = where % rows;
                    int col = where % cols;
                    String what;
                    String regex;
                    switch (kind) {
                        case 0 -> { // one value too few or too many in a row that is not the first
                            lines.add(lines.getFirst() + (where % 2 == 0 ? ",1" : ""));
                            if (where % 2 != 0 && cols > 1) {
                                String last = lines.getLast();
                                lines.set(lines.size() - 1, last.substring(0, last.lastIndexOf(',')));
                            } else if (where % 2 != 0) {
                                lines.set(lines.size() - 1, lines.getLast() + ",1");
                            }
                            regex = "line " + (rows + 1) + " has (more than )?\\d+ values, line 1 has " + cols;
                            what = "ragged row";
                        }
                        case 1 -> {
                            // a blank token in a one-column file would make a blank line, which is skipped
                            String token = junk.isBlank() && cols == 1 ? "abc" : junk;
                            lines.set(row, replaceField(lines.get(row), col, token));
                            regex = "line " + (row + 1) + " column " + (col + 1) + ": '.*' is not a number";
                            what = "not a number: " + token;
                        }
                        case 2 -> {
                            lines.set(row, replaceField(lines.get(row), col, nonFinite));
                            regex = "line " + (row + 1) + " column " + (col + 1) + " is " + Pattern.quote(nonFinite)
                                    + "; every value must be finite";
                            what = "non-finite " + nonFinite;
                        }
                        case 3 -> {
                            lines.addFirst("x".repeat(cols).replace("", ",").replaceAll("^,|,$", ""));
                            regex = "line 1 column 1: 'x' is not a number \\(header lines are not supported\\)";
                            what = "header line";
                        }
                        default -> {
                            lines.clear();
                            lines.add(" ");
                            lines.add("");
                            regex = "the file is empty \\(no rows\\)";
                            what = "blank lines only";
                        }
                    }
                    byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
                    return new Text(concat(bom, text), Role.EMBEDDINGS, Pattern.compile(regex), what);
                });
    }

    private static String replaceField(String line, int col, String value) {
        String[] fields = line.split(",", -1);
        fields[col] = value;
        return String.join(",", fields);
    }

    private static final List<String> BAD_LABELS = List.of("-1", "2147483648", "-9223372036854775808",
            "99999999999999999999", "1.5", "a", "1e3", "0x10", "1,2", "nan", "\u0661");

    private static Arbitrary<Text> defectiveLabels() {
        return Combinators.combine(Arbitraries.of(BAD_LABELS), Arbitraries.integers().between(0, 3), utf8Bom())
                .as((bad, line, bom) -> {
                    String[] labels = {"0", "0", "1", "1"};
                    labels[line] = bad;
                    String regex = bad.contains(",") ? "line " + (line + 1) + " holds several values"
                            : bad.matches("-?\\d{1,19}") && !bad.equals("99999999999999999999")
                            ? "line " + (line + 1) + ": label -?\\d+ is out of range"
                            : "line " + (line + 1) + ": '.*' is not an integer label";
                    byte[] text = (String.join("\n", labels) + "\n").getBytes(StandardCharsets.UTF_8);
                    return new Text(concat(bom, text), Role.LABELS, Pattern.compile(regex), "label " + bad);
                });
    }

    private static Arbitrary<Text> wideByteOrderMark() {
        return Combinators.combine(Arbitraries.of(true, false), roles()).as((bigEndian, role) -> {
            String text = role == Role.EMBEDDINGS ? "0,0\n0,1\n5,5\n5,6\n" : "0\n0\n1\n1\n";
            byte[] bytes = text.getBytes(bigEndian ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_16LE);
            byte[] bom = bigEndian ? new byte[]{(byte) 0xFE, (byte) 0xFF} : new byte[]{(byte) 0xFF, (byte) 0xFE};
            return new Text(concat(bom, bytes), role, Pattern.compile("UTF-16 or UTF-32 byte-order mark"),
                    "UTF-16 " + (bigEndian ? "BE" : "LE"));
        });
    }

    private static Arbitrary<Text> malformedUtf8() {
        return Combinators.combine(Arbitraries.of(new byte[]{(byte) 0xFF}, new byte[]{(byte) 0xC3, '('},
                new byte[]{(byte) 0xE2, (byte) 0x82}, new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                Arbitraries.integers().between(0, 3), roles()).as((bad, line, role) -> {
                    String[] lines = role == Role.EMBEDDINGS ? new String[]{"0,0", "0,1", "5,5", "5,6"}
                            : new String[]{"0", "0", "1", "1"};
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    for (int i = 0; i < lines.length; i++) {
                        out.writeBytes(lines[i].getBytes(StandardCharsets.US_ASCII));
                        if (i == line) {
                            out.writeBytes(bad);
                        }
                        out.write('\n');
                    }
                    return new Text(out.toByteArray(), role, Pattern.compile("the text is not UTF-8"),
                            "malformed UTF-8 on line " + (line + 1));
                });
    }

    private static Arbitrary<Text> validText() {
        return roles().map(role -> role == Role.EMBEDDINGS
                ? new Text("0,0\n0,1\n5,5\n5,6\n".getBytes(StandardCharsets.US_ASCII), role, null, "")
                : new Text("0\n0\n1\n1\n".getBytes(StandardCharsets.US_ASCII), role, null, ""));
    }

    // ---------------------------------------------------------------- helpers

    private static Arbitrary<Role> roles() {
        return Arbitraries.of(Role.class);
    }

    private static Arbitrary<byte[]> utf8Bom() {
        return Arbitraries.of(new byte[0], new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }

    private static String headerText(String descr, String fortran, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }\n";
    }

    private static byte[] preamble(int major, int headerLength) {
        ByteBuffer b = ByteBuffer.allocate(major == 1 ? 10 : 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        return b.array();
    }

    private static byte[] npy(String descr, String fortran, String shape, byte[] data) {
        byte[] header = headerText(descr, fortran, shape).getBytes(StandardCharsets.ISO_8859_1);
        return concat(preamble(1, header.length), header, data);
    }

    private static int headerEnd(byte[] npyV1) {
        return 10 + (ByteBuffer.wrap(npyV1).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff);
    }

    private static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private static byte[] tenMbLine(String unit, String end) {
        String line = unit.repeat(TEN_MB / unit.length()) + end;
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
