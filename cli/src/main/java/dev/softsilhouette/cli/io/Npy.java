package dev.softsilhouette.cli.io;

import dev.softsilhouette.cli.UsageException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): C-order arrays of float32, float64,
 * int32, int64 and uint8, either byte order. Anything else (Fortran order, other dtypes, object arrays, a truncated
 * file, a shape the file cannot hold) is a {@link UsageException}: one line that names the file and says what to do.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** The most the preamble and header may take together (NumPy itself refuses headers over 10,000 bytes). */
    static final int MAX_PREFIX_BYTES = 1 << 16;
    /** The data must fit one Java array. */
    private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private Npy() {
    }

    /**
     * What a {@code .npy} header says, checked against the file's length: the element type, the shape, the data's
     * byte order and where the data lies in the file.
     */
    record Header(NpyType type, long[] shape, ByteOrder order, long dataOffset, long dataBytes) {
    }

    /**
     * Reads the preamble and the header first and checks the shape against the file's size; only then is the data
     * read, into a buffer of exactly the size the header promises (at most {@value #MAX_DATA_BYTES} bytes).
     */
    public static NpyArray read(Path file) {
        Inputs.requireRegularFile(file);
        String name = file.toString();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            Header h = header(name, readFully(channel, 0, (int) Math.min(size, MAX_PREFIX_BYTES), name), size);
            if (h.dataBytes() > MAX_DATA_BYTES) {
                throw new UsageException(name + ": shape " + NpyArray.shapeString(h.shape()) + " of "
                        + h.type().numpyName() + " holds " + h.dataBytes() + " bytes; arrays over " + MAX_DATA_BYTES
                        + " bytes are read by blocks (silhouette score), not whole");
            }
            ByteBuffer data = readFully(channel, h.dataOffset(), (int) h.dataBytes(), name);
            return new NpyArray(h.type(), h.shape(), data.order(h.order()));
        } catch (IOException e) {
            throw new UsageException(file + ": cannot read: " + Inputs.describe(e));
        }
    }

    /** {@code length} bytes from {@code position}, which the caller has checked lie inside the file. */
    private static ByteBuffer readFully(FileChannel channel, long position, int length, String name)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new UsageException(name + ": truncated .npy file (the file ended while it was read)");
            }
        }
        return buffer.flip();
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
        long headerLength;
        int headerStart;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            headerLength = Short.toUnsignedInt(b.getShort(8));
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new UsageException(name + ": truncated .npy file (the header is cut off)");
            }
            headerLength = Integer.toUnsignedLong(b.getInt(8));
            headerStart = 12;
        } else {
            throw new UsageException(name + ": unsupported .npy format version " + major + "." + (bytes[7] & 0xff));
        }
        if (headerStart + headerLength > fileLength) {
            throw new UsageException(name + ": truncated .npy file (the header says " + headerLength
                    + " bytes, the file has " + (fileLength - headerStart) + " after the preamble)");
        }
        if (headerStart + headerLength > Math.min(bytes.length, MAX_PREFIX_BYTES)) {
            throw new UsageException(name + ": .npy header length " + headerLength + " is not plausible (NumPy "
                    + "writes a few hundred bytes; at most " + (MAX_PREFIX_BYTES - headerStart) + " are read)");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, name, "descr");
        String fortran = group(FORTRAN, header, name, "fortran_order");
        String shapeText = group(SHAPE, header, name, "shape");

        NpyType type = descr.length() == 3 && "<>|=".indexOf(descr.charAt(0)) >= 0
                ? NpyType.ofCode(descr.substring(1)) : null;
        if (type == null) {
            throw new UsageException(name + ": dtype '" + Inputs.shown(descr) + "' is not supported; use float32 or "
                    + "float64 for embeddings, int8 to int64 or uint8 to uint32 for labels");
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
            throw new UsageException(name + ": shape " + NpyArray.shapeString(shape) + " of " + type.numpyName()
                    + " is too large (more than 2^63 bytes)");
        }
        long dataOffset = headerStart + headerLength;
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
                throw new UsageException(name + ": the .npy header has an unreadable shape (" + Inputs.shown(text)
                        + "); dimensions are integers >= 0");
            }
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = dims.get(i);
        }
        return shape;
    }
}
