package dev.softsilhouette.cli;

import dev.softsilhouette.cli.io.Npy;
import dev.softsilhouette.cli.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Labels as NumPy pipelines save them: narrow integer dtypes, and a column (n, 1), give the same score as int64 (n,). */
class LabelFormatsTest {
    @TempDir
    Path dir;

    @Test
    void narrowIntegerLabelsAndColumnsScoreLikeInt64Vectors() throws IOException {
        TestData.Labelled data = TestData.clusters(60, 4, 3, 5);
        String x = TestData.writeEmbeddings(dir, "x.npy", data).toString();
        long[] wide = new long[data.n()];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = data.y()[i];
        }
        Path int64 = dir.resolve("y-int64.npy");
        Npy.write(int64, NpyArray.ofInt64(wide, data.n()));
        String expected = score(x, int64);

        for (String descr : new String[] {"|i1", "<i2", ">i2", "|u1", "<u2", "<u4"}) {
            for (String shape : new String[] {"(" + data.n() + ",)", "(" + data.n() + ", 1)"}) {
                Path file = dir.resolve("y" + descr.substring(1) + (shape.contains(", 1") ? "-column" : "") + ".npy");
                Files.write(file, npy(descr, shape, data.y()));
                assertEquals(expected, score(x, file), descr + " " + shape);
            }
        }
    }

    private static String score(String x, Path labels) {
        CliRunner.Result r = CliRunner.run("score", "--embeddings", x, "--labels", labels.toString(), "--backend",
                "reference", "--json");
        assertEquals(0, r.status(), r.toString());
        return r.out().replaceAll(".*\"score\":([^,]*),.*", "$1").strip();
    }

    /** A version 1.0 .npy written by hand, as NumPy lays it out (header padded to a multiple of 64). */
    private static byte[] npy(String descr, String shape, int[] values) {
        int size = descr.charAt(2) - '0';
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': "
                + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] text = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + values.length * size);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) text.length).put(text);
        b.order(descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            switch (size) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                default -> b.putInt(v);
            }
        }
        return b.array();
    }
}
