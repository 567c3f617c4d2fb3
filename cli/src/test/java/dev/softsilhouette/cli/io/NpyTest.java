package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {
    /** The values generate_fixtures.py saved: arange(12).reshape(3, 4) * 0.5 - 1.25. */
    private static final double[] FIXTURE_VALUES = new double[12];
    private static final long[] FIXTURE_INTS = {0, 3, 70000, 2};
    private static final int[] FIXTURE_BYTES = {0, 3, 255, 2};

    static {
        for (int i = 0; i < 12; i++) {
            FIXTURE_VALUES[i] = i * 0.5 - 1.25;
        }
    }

    @TempDir
    Path dir;

    private static byte[] fixtureBytes(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/dev/softsilhouette/cli/" + name)) {
            if (in == null) {
                throw new IOException("missing fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    private Path fixture(String name) throws IOException {
        return Files.write(dir.resolve(name), fixtureBytes(name));
    }

    @Test
    void float32RoundTripKeepsShapeAndValues() throws IOException {
        float[] v = {1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, 0f, -0f};
        Path p = dir.resolve("a.npy");
        Npy.write(p, NpyArray.ofFloat32(v, 2, 3));
        NpyArray a = Npy.read(p);
        assertEquals(NpyType.FLOAT32, a.type());
        assertArrayEquals(new long[] {2, 3}, a.shape());
        for (int i = 0; i < v.length; i++) {
            assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits((float) a.getDouble(i)));
        }
    }

    @Test
    void float64RoundTripIsExact() throws IOException {
        double[] v = {Math.PI, -1e300, 4.9e-324, 1.0 / 3};
        Path p = dir.resolve("a.npy");
        Npy.write(p, NpyArray.ofFloat64(v, 4, 1));
        NpyArray a = Npy.read(p);
        assertEquals(NpyType.FLOAT64, a.type());
        assertArrayEquals(new long[] {4, 1}, a.shape());
        for (int i = 0; i < v.length; i++) {
            assertEquals(v[i], a.getDouble(i));
        }
    }

    @Test
    void integerRoundTrips() throws IOException {
        long[] big = {0, -1, Long.MAX_VALUE, 1L << 40};
        Npy.write(dir.resolve("l.npy"), NpyArray.ofInt64(big, 4));
        NpyArray l = Npy.read(dir.resolve("l.npy"));
        assertEquals(NpyType.INT64, l.type());
        for (int i = 0; i < big.length; i++) {
            assertEquals(big[i], l.getLong(i));
        }
        int[] ints = {0, -5, Integer.MAX_VALUE, 7};
        Npy.write(dir.resolve("i.npy"), NpyArray.ofInt32(ints, 4));
        NpyArray i32 = Npy.read(dir.resolve("i.npy"));
        assertEquals(NpyType.INT32, i32.type());
        for (int i = 0; i < ints.length; i++) {
            assertEquals(ints[i], i32.getLong(i));
        }
        int[] bytes = {0, 1, 128, 255};
        Npy.write(dir.resolve("u.npy"), NpyArray.ofUint8(bytes, 4));
        NpyArray u = Npy.read(dir.resolve("u.npy"));
        assertEquals(NpyType.UINT8, u.type());
        for (int i = 0; i < bytes.length; i++) {
            assertEquals(bytes[i], u.getLong(i));
        }
    }

    @Test
    void writerProducesTheBytesNumpyWrites() throws IOException {
        float[] f4 = new float[12];
        for (int i = 0; i < 12; i++) {
            f4[i] = (float) FIXTURE_VALUES[i];
        }
        assertSameBytes("numpy-f4.npy", NpyArray.ofFloat32(f4, 3, 4));
        assertSameBytes("numpy-f8.npy", NpyArray.ofFloat64(FIXTURE_VALUES, 3, 4));
        assertSameBytes("numpy-i8.npy", NpyArray.ofInt64(FIXTURE_INTS, 4));
        assertSameBytes("numpy-i4.npy", NpyArray.ofInt32(new int[] {0, 3, 70000, 2}, 4));
        assertSameBytes("numpy-u1.npy", NpyArray.ofUint8(FIXTURE_BYTES, 4));
    }

    private void assertSameBytes(String fixture, NpyArray array) throws IOException {
        Path p = dir.resolve("ours-" + fixture);
        Npy.write(p, array);
        assertArrayEquals(fixtureBytes(fixture), Files.readAllBytes(p), fixture);
    }

    @Test
    void readsWhatNumpyWrote() throws IOException {
        for (String name : new String[] {"numpy-f4.npy", "numpy-f8.npy", "numpy-f8-big-endian.npy",
                "numpy-f4-v2.npy"}) {
            NpyArray a = Npy.read(fixture(name));
            assertArrayEquals(new long[] {3, 4}, a.shape(), name);
            for (int i = 0; i < 12; i++) {
                assertEquals(FIXTURE_VALUES[i], a.getDouble(i), 0.0, name + " element " + i);
            }
        }
        for (String name : new String[] {"numpy-i4.npy", "numpy-i8.npy"}) {
            NpyArray a = Npy.read(fixture(name));
            assertArrayEquals(new long[] {4}, a.shape());
            for (int i = 0; i < 4; i++) {
                assertEquals(FIXTURE_INTS[i], a.getLong(i), name);
            }
        }
        NpyArray u = Npy.read(fixture("numpy-u1.npy"));
        for (int i = 0; i < 4; i++) {
            assertEquals(FIXTURE_BYTES[i], u.getLong(i));
        }
    }

    @Test
    void bigEndianIsWrittenBackLittleEndian() throws IOException {
        NpyArray big = Npy.read(fixture("numpy-f8-big-endian.npy"));
        Path p = dir.resolve("back.npy");
        Npy.write(p, big);
        assertArrayEquals(fixtureBytes("numpy-f8.npy"), Files.readAllBytes(p));
    }

    @Test
    void fortranOrderAndFloat16AreRejectedWithTheReason() throws IOException {
        UsageException fortran = assertThrows(UsageException.class, () -> Npy.read(fixture("numpy-f4-fortran.npy")));
        assertTrue(fortran.getMessage().contains("Fortran order"), fortran.getMessage());
        UsageException half = assertThrows(UsageException.class, () -> Npy.read(fixture("numpy-f2.npy")));
        assertTrue(half.getMessage().contains("dtype '<f2' is not supported"), half.getMessage());
    }

    @Test
    void truncatedDataIsRejectedWithSizes() throws IOException {
        byte[] full = fixtureBytes("numpy-f8.npy");
        Path p = Files.write(dir.resolve("cut.npy"), java.util.Arrays.copyOf(full, full.length - 5));
        UsageException e = assertThrows(UsageException.class, () -> Npy.read(p));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("needs 96 data bytes, the file "
                + "holds 91"), e.getMessage());
    }
}
