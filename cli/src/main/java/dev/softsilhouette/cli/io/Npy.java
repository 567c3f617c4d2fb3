package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): C-order arrays of float32, float64,
 * int32, int64 and uint8, either byte order. Anything else (Fortran order, other dtypes, object arrays, a truncated
 * file) is a {@link UsageException} that names the file and says what to do.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /**
     * What a {@code .npy} header says, checked against the file's length: the element type, the shape, the data's
     * byte order and where the data lies in the file.
     */
    record Header(NpyType type, long[] shape, ByteOrder order, long dataOffset, long dataBytes) {
    }

    public static NpyArray read(Path file) {
        byte[] bytes = Inputs.readAll(file);
        Header h = header(file.toString(), ByteBuffer.wrap(bytes), bytes.length);
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) h.dataOffset(), (int) h.dataBytes()).slice().order(h.order());
        return new NpyArray(h.type(), h.shape(), data);
    }

    /**
     * Parses the preamble and header at the start of {@code start} (which holds at least the preamble and the
     * header, or the whole file when it is shorter) of a file of {@code fileLength} bytes.
     */
    static Header header(String name, ByteBuffer start, long fileLength) {
        byte[] bytes = new byte[(int) Math.min(start.remaining(), fileLength)];
        start.duplicate().get(bytes);
        if (fileLength == 0) {
            throw new UsageException(name + ": the file is empty");
        }
        if (bytes.length < 10 || !startsWithMagic(bytes)) {
            throw new UsageException(name + ": not a .npy file (no \\x93NUMPY magic at the start)");
        }
        int major = bytes[6] & 0xff;
        int headerLength;
        int headerStart;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new UsageException(name + ": truncated .npy file (the header is cut off)");
            }
            long len = Integer.toUnsignedLong(b.getInt(8));
            if (len > Integer.MAX_VALUE - 16) {
                throw new UsageException(name + ": .npy header length " + len + " is not plausible");
            }
            headerLength = (int) len;
            headerStart = 12;
        } else {
            throw new UsageException(name + ": unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
        }
        if ((long) headerStart + headerLength > bytes.length) {
            throw new UsageException(name + ": truncated .npy file (the header says " + headerLength
                    + " bytes, the file has " + (fileLength - headerStart) + " after the preamble)");
        }
        String header = new String(bytes, headerStart, headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        String fortran = group(FORTRAN, header, name, "fortran_order");
        String shapeText = group(SHAPE, header, name, "shape");

        NpyType type = descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0
                ? NpyType.ofCode(descr.substring(1)) : null;
        if (type == null) {
            throw new UsageException(name + ": dtype '" + descr + "' is not supported; use float32 or float64 for "
                    + "embeddings, int32, int64 or uint8 for labels");
        }
        if (fortran.equals("True")) {
            throw new UsageException(name + ": the array is stored in Fortran order; save a C-order copy "
                    + "(np.save(f, np.ascontiguousarray(a)))");
        }
        long[] shape = parseShape(shapeText, name);
        long count;
        long needed;
        try {
            count = NpyArray.product(shape);
            needed = Math.multiplyExact(count, (long) type.size());
        } catch (ArithmeticException e) {
            throw new UsageException(name + ": shape " + NpyArray.shapeString(shape) + " is too large");
        }
        long dataOffset = (long) headerStart + headerLength;
        long available = fileLength - dataOffset;
        if (available < needed) {
            throw new UsageException(name + ": truncated .npy file: shape " + NpyArray.shapeString(shape) + " of "
                    + type.numpyName() + " needs " + needed + " data bytes, the file holds " + available);
        }
        if (available > needed) {
            throw new UsageException(name + ": " + (available - needed) + " unexpected bytes after the data of shape "
                    + NpyArray.shapeString(shape) + " " + type.numpyName() + " (not a single .npy array?)");
        }
        return new Header(type, shape, NpyType.orderOf(descr.charAt(0)), dataOffset, needed);
    }

    public static void write(Path file, NpyArray array) throws IOException {
        NpyType type = array.type();
        StringBuilder header = new StringBuilder("{'descr': '").append(type.littleEndianDescr())
                .append("', 'fortran_order': False, 'shape': ").append(array.shapeString()).append(", }");
        // NumPy pads the header with spaces so that the data starts on a 64-byte boundary, ending with '\n'.
        int total = MAGIC.length + 4 + header.length() + 1;
        int padding = (64 - total % 64) % 64;
        header.append(" ".repeat(padding)).append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer data = array.data();
        ByteBuffer little = data.order() == ByteOrder.LITTLE_ENDIAN ? data : toLittleEndian(array);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(MAGIC);
            out.write(new byte[] {1, 0, (byte) (headerBytes.length & 0xff), (byte) (headerBytes.length >>> 8)});
            out.write(headerBytes);
            if (little.hasArray()) {
                out.write(little.array(), little.arrayOffset() + little.position(), little.remaining());
            } else {
                byte[] copy = new byte[little.remaining()];
                little.get(copy);
                out.write(copy);
            }
        }
    }

    private static ByteBuffer toLittleEndian(NpyArray array) {
        ByteBuffer src = array.data();
        ByteBuffer dst = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        int size = array.type().size();
        for (int at = 0; at < src.limit(); at += size) {
            switch (size) {
                case 1 -> dst.put(at, src.get(at));
                case 4 -> dst.putInt(at, src.getInt(at));
                default -> dst.putLong(at, src.getLong(at));
            }
        }
        return dst;
    }

    private static boolean startsWithMagic(byte[] bytes) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static String group(Pattern p, String header, String name, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new UsageException(name + ": the .npy header has no readable '" + key + "' entry"
                    + (key.equals("descr") ? " (structured dtypes are not supported)" : ""));
        }
        return m.group(1);
    }

    private static long[] parseShape(String text, String name) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1);
            }
            try {
                long v = Long.parseLong(t);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                dims.add(v);
            } catch (NumberFormatException e) {
                throw new UsageException(name + ": the .npy header has an unreadable shape (" + text + ")");
            }
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i);
        }
        return shape;
    }
}
