package dev.softsilhouette;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * A float32 buffer the loss reads from or writes into: a {@code float[]} from an offset, a {@link FloatBuffer}
 * (heap or direct, from its position to its limit) or a {@link MemorySegment} (heap or native).
 *
 * <p>All three become one internal representation, a {@link MemorySegment} view, so backends see one type.
 * Creating a view copies nothing; a training loop that reuses its buffers can reuse its views too. How many
 * floats a call needs is checked by the call, which knows the shape and names the argument.
 */
public final class Floats {
    private final MemorySegment segment;
    private final String kind;

    private Floats(MemorySegment segment, String kind) {
        this.segment = segment;
        this.kind = kind;
    }

    /** The whole array. */
    public static Floats of(float[] array) {
        return of(array, 0);
    }

    /** The array from {@code offset} (in floats) to its end. */
    public static Floats of(float[] array, int offset) {
        Objects.requireNonNull(array, "array");
        if (offset < 0 || offset > array.length) {
            throw new IllegalArgumentException(
                    "offset: " + offset + " is outside the float[] of length " + array.length);
        }
        return new Floats(MemorySegment.ofArray(array).asSlice((long) offset * Float.BYTES), "float[]");
    }

    /**
     * The buffer from its position to its limit. A direct buffer must use the platform's byte order
     * ({@code ByteBuffer.allocateDirect(n).order(ByteOrder.nativeOrder()).asFloatBuffer()}).
     */
    public static Floats of(FloatBuffer buffer) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("buffer: FloatBuffer has byte order " + buffer.order()
                    + "; use ByteOrder.nativeOrder() (" + ByteOrder.nativeOrder() + ")");
        }
        return new Floats(MemorySegment.ofBuffer(buffer), buffer.isDirect() ? "direct FloatBuffer" : "FloatBuffer");
    }

    /** The whole segment, read as native-order floats; any alignment is accepted. */
    public static Floats of(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        return new Floats(segment, segment.isNative() ? "native MemorySegment" : "heap MemorySegment");
    }

    /** How many floats the view holds. */
    public long length() {
        return segment.byteSize() / Float.BYTES;
    }

    /** Whether writes are refused (a read-only buffer or segment). */
    public boolean isReadOnly() {
        return segment.isReadOnly();
    }

    /** The view as a segment of {@link #length()} floats. */
    public MemorySegment segment() {
        return segment;
    }

    /** The first {@code count} floats as a segment. */
    MemorySegment segment(long count) {
        return segment.asSlice(0, count * Float.BYTES);
    }

    @Override
    public String toString() {
        return kind + "[" + length() + "]";
    }
}
