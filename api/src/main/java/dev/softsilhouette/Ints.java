package dev.softsilhouette;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.util.Objects;

/**
 * An int32 label buffer: an {@code int[]} from an offset, an {@link IntBuffer} (heap or direct, from its position
 * to its limit) or a {@link MemorySegment}. Like {@link Floats}, one {@link MemorySegment} view inside.
 */
public final class Ints {
    private final MemorySegment segment;
    private final String kind;

    private Ints(MemorySegment segment, String kind) {
        this.segment = segment;
        this.kind = kind;
    }

    /** The whole array. */
    public static Ints of(int[] array) {
        return of(array, 0);
    }

    /** The array from {@code offset} to its end. */
    public static Ints of(int[] array, int offset) {
        Objects.requireNonNull(array, "array");
        if (offset < 0 || offset > array.length) {
            throw new IllegalArgumentException(
                    "offset: " + offset + " is outside the int[] of length " + array.length);
        }
        return new Ints(MemorySegment.ofArray(array).asSlice((long) offset * Integer.BYTES), "int[]");
    }

    /** The buffer from its position to its limit; a direct buffer must use the platform's byte order. */
    public static Ints of(IntBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("buffer: IntBuffer has byte order " + buffer.order()
                    + "; use ByteOrder.nativeOrder() (" + ByteOrder.nativeOrder() + ")");
        }
        return new Ints(MemorySegment.ofBuffer(buffer), buffer.isDirect() ? "direct IntBuffer" : "IntBuffer");
    }

    /** The whole segment, read as native-order int32 values. */
    public static Ints of(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        return new Ints(segment, segment.isNative() ? "native MemorySegment" : "heap MemorySegment");
    }

    /** How many ints the view holds. */
    public long length() {
        return segment.byteSize() / Integer.BYTES;
    }

    /** The view as a segment of {@link #length()} ints. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public String toString() {
        return kind + "[" + length() + "]";
    }
}
