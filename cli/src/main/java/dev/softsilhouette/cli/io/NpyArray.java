package dev.softsilhouette.cli.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An array read from or written to a {@code .npy} file: element type, shape (C order) and the raw little- or
 * big-endian data.
 */
public final class NpyArray {
    private final NpyType type;
    private final long[] shape;
    private final ByteBuffer data;

    NpyArray(NpyType type, long[] shape, ByteBuffer data) {
        this.type = type;
        this.shape = shape.clone();
        this.data = data;
    }

    public static NpyArray ofFloat32(float[] values, long... shape) {
        ByteBuffer b = allocate(values.length, NpyType.FLOAT32, shape);
        b.asFloatBuffer().put(values);
        return new NpyArray(NpyType.FLOAT32, shape, b);
    }

    public static NpyArray ofFloat64(double[] values, long... shape) {
        ByteBuffer b = allocate(values.length, NpyType.FLOAT64, shape);
        b.asDoubleBuffer().put(values);
        return new NpyArray(NpyType.FLOAT64, shape, b);
    }

    public static NpyArray ofInt32(int[] values, long... shape) {
        ByteBuffer b = allocate(values.length, NpyType.INT32, shape);
        b.asIntBuffer().put(values);
        return new NpyArray(NpyType.INT32, shape, b);
    }

    public static NpyArray ofInt64(long[] values, long... shape) {
        ByteBuffer b = allocate(values.length, NpyType.INT64, shape);
        b.asLongBuffer().put(values);
        return new NpyArray(NpyType.INT64, shape, b);
    }

    /** Unsigned bytes: each value must be in 0..255. */
    public static NpyArray ofUint8(int[] values, long... shape) {
        ByteBuffer b = allocate(values.length, NpyType.UINT8, shape);
        for (int v : values) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("uint8 value out of range: " + v);
            }
            b.put((byte) v);
        }
        b.flip();
        return new NpyArray(NpyType.UINT8, shape, b);
    }

    private static ByteBuffer allocate(int count, NpyType type, long[] shape) {
        if (count != product(shape)) {
            throw new IllegalArgumentException(count + " values do not fill shape " + Arrays.toString(shape));
        }
        return ByteBuffer.allocate(Math.multiplyExact(count, type.size())).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long product(long[] shape) {
        long p = 1;
        for (long s : shape) {
            p = Math.multiplyExact(p, s);
        }
        return p;
    }

    public NpyType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public long size() {
        return product(shape);
    }

    /** The raw data, positioned at 0 (a duplicate: the caller may move its position). */
    ByteBuffer data() {
        return data.duplicate().order(data.order()).clear();
    }

    /** Element {@code i} (C order) as a double; exact for every type except int64 beyond 2^53. */
    public double getDouble(long i) {
        int at = Math.toIntExact(i * type.size());
        return switch (type) {
            case FLOAT32 -> data.getFloat(at);
            case FLOAT64 -> data.getDouble(at);
            default -> getLong(i);
        };
    }

    /** Element {@code i} of an integer array. */
    public long getLong(long i) {
        int at = Math.toIntExact(i * type.size());
        return switch (type) {
            case INT8 -> data.get(at);
            case INT16 -> data.getShort(at);
            case INT32 -> data.getInt(at);
            case INT64 -> data.getLong(at);
            case UINT8 -> Byte.toUnsignedInt(data.get(at));
            case UINT16 -> Short.toUnsignedInt(data.getShort(at));
            case UINT32 -> Integer.toUnsignedLong(data.getInt(at));
            case FLOAT32, FLOAT64 -> throw new IllegalStateException("not an integer array: " + type.numpyName());
        };
    }

    /** The shape as NumPy prints it: {@code (1797, 64)}, {@code (5,)}. */
    public String shapeString() {
        return shapeString(shape);
    }

    static String shapeString(long[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]);
            if (i < shape.length - 1 || shape.length == 1) {
                sb.append(',');
            }
            if (i < shape.length - 1) {
                sb.append(' ');
            }
        }
        return sb.append(')').toString();
    }
}
