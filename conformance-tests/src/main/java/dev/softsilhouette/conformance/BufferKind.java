package dev.softsilhouette.conformance;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Every kind of buffer the API accepts, each placed away from the start of its storage and followed by spare
 * values, so that a property can check both what a call wrote and that it wrote nothing outside its range.
 */
public enum BufferKind {
    /** {@code float[]} / {@code int[]} viewed from offset {@link #LEAD}. */
    ARRAY_WITH_OFFSET,
    /** A heap {@code FloatBuffer} / {@code IntBuffer} with position {@link #LEAD}. */
    HEAP_BUFFER,
    /** A view of a heap, native-order {@code ByteBuffer} ({@code asFloatBuffer()}) with position {@link #LEAD}. */
    HEAP_BYTE_BUFFER_VIEW,
    /** A direct, native-order buffer with position {@link #LEAD}. */
    DIRECT_BUFFER,
    /** A heap {@code MemorySegment} (backed by an array) sliced from {@link #LEAD}. */
    HEAP_SEGMENT,
    /** A native {@code MemorySegment} sliced from {@link #LEAD}. */
    NATIVE_SEGMENT,
    /** A native {@code MemorySegment} sliced from a byte offset that is not a multiple of 4. */
    UNALIGNED_NATIVE_SEGMENT;

    /** Values before the view. */
    public static final int LEAD = 3;
    /** Values after the view's required length. */
    public static final int TRAIL = 2;

    /** A float32 buffer of {@code length} values (plus lead and trail), every value set to {@code fill}. */
    public FloatStorage floats(int length, float fill) {
        return new FloatStorage(this, length, TRAIL, fill);
    }

    /** A float32 buffer whose view holds exactly {@code length} values (no trail), for "too short" checks. */
    public FloatStorage floatsWithoutTrail(int length, float fill) {
        return new FloatStorage(this, length, 0, fill);
    }

    /** An int32 buffer holding {@code values} (plus lead and trail holding -1). */
    public Ints ints(int[] values) {
        return ints(values, TRAIL);
    }

    /** An int32 buffer whose view holds exactly {@code values}, for "too short" checks. */
    public Ints intsWithoutTrail(int[] values) {
        return ints(values, 0);
    }

    private Ints ints(int[] values, int trail) {
        int total = LEAD + values.length + trail;
        switch (this) {
            case ARRAY_WITH_OFFSET -> {
                int[] a = new int[total];
                java.util.Arrays.fill(a, -1);
                System.arraycopy(values, 0, a, LEAD, values.length);
                return Ints.of(a, LEAD);
            }
            case HEAP_BUFFER, HEAP_BYTE_BUFFER_VIEW, DIRECT_BUFFER -> {
                IntBuffer b = switch (this) {
                    case HEAP_BUFFER -> IntBuffer.allocate(total);
                    case HEAP_BYTE_BUFFER_VIEW ->
                            ByteBuffer.allocate(total * Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
                    default -> ByteBuffer.allocateDirect(total * Integer.BYTES).order(ByteOrder.nativeOrder())
                            .asIntBuffer();
                };
                for (int i = 0; i < total; i++) {
                    b.put(i, i >= LEAD && i < LEAD + values.length ? values[i - LEAD] : -1);
                }
                b.position(LEAD);
                return Ints.of(b);
            }
            default -> {
                MemorySegment s = segment(total * (long) Integer.BYTES);
                MemorySegment view = s.asSlice(leadBytes(Integer.BYTES), (long) (values.length + trail) * Integer.BYTES);
                for (int i = 0; i < values.length; i++) {
                    view.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i, values[i]);
                }
                return Ints.of(view);
            }
        }
    }

    private MemorySegment segment(long bytes) {
        return switch (this) {
            case HEAP_SEGMENT -> MemorySegment.ofArray(new byte[(int) bytes + 8]);
            case NATIVE_SEGMENT, UNALIGNED_NATIVE_SEGMENT -> Arena.ofAuto().allocate(bytes + 8, 8);
            default -> throw new AssertionError(this);
        };
    }

    private long leadBytes(int elementBytes) {
        return (long) LEAD * elementBytes + (this == UNALIGNED_NATIVE_SEGMENT ? 2 : 0);
    }

    /** A float32 buffer and the view handed to the API. */
    public static final class FloatStorage {
        private final BufferKind kind;
        private final int length;
        private final int trail;
        private final float[] array;
        private final FloatBuffer buffer;
        private final MemorySegment whole;
        private final Floats view;

        FloatStorage(BufferKind kind, int length, int trail, float fill) {
            this.kind = kind;
            this.length = length;
            this.trail = trail;
            int total = LEAD + length + trail;
            switch (kind) {
                case ARRAY_WITH_OFFSET -> {
                    array = new float[total];
                    java.util.Arrays.fill(array, fill);
                    buffer = null;
                    whole = null;
                    view = Floats.of(array, LEAD);
                }
                case HEAP_BUFFER, HEAP_BYTE_BUFFER_VIEW, DIRECT_BUFFER -> {
                    array = null;
                    whole = null;
                    buffer = switch (kind) {
                        case HEAP_BUFFER -> FloatBuffer.allocate(total);
                        case HEAP_BYTE_BUFFER_VIEW ->
                                ByteBuffer.allocate(total * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
                        default -> ByteBuffer.allocateDirect(total * Float.BYTES).order(ByteOrder.nativeOrder())
                                .asFloatBuffer();
                    };
                    for (int i = 0; i < total; i++) {
                        buffer.put(i, fill);
                    }
                    buffer.position(LEAD);
                    view = Floats.of(buffer);
                }
                default -> {
                    array = null;
                    buffer = null;
                    MemorySegment s = kind.segment((long) total * Float.BYTES);
                    whole = s.asSlice(kind == UNALIGNED_NATIVE_SEGMENT ? 2 : 0, (long) total * Float.BYTES);
                    for (int i = 0; i < total; i++) {
                        whole.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, fill);
                    }
                    view = Floats.of(whole.asSlice((long) LEAD * Float.BYTES));
                }
            }
        }

        public BufferKind kind() {
            return kind;
        }

        /** The view handed to the API: from the lead to the end of the storage (length + trail values). */
        public Floats view() {
            return view;
        }

        /** A view of the same memory starting {@code shift} values after {@link #view()}'s start. */
        public Floats shiftedView(int shift) {
            return switch (kind) {
                case ARRAY_WITH_OFFSET -> Floats.of(array, LEAD + shift);
                case HEAP_BUFFER, HEAP_BYTE_BUFFER_VIEW, DIRECT_BUFFER ->
                        Floats.of(buffer.duplicate().position(LEAD + shift));
                default -> Floats.of(view.segment().asSlice((long) shift * Float.BYTES));
            };
        }

        /** The same memory as a read-only view. */
        public Floats readOnlyView() {
            return switch (kind) {
                case ARRAY_WITH_OFFSET -> Floats.of(MemorySegment.ofArray(array).asSlice((long) LEAD * Float.BYTES).asReadOnly());
                case HEAP_BUFFER, HEAP_BYTE_BUFFER_VIEW, DIRECT_BUFFER ->
                        Floats.of(buffer.asReadOnlyBuffer().position(LEAD));
                default -> Floats.of(view.segment().asReadOnly());
            };
        }

        /** Writes {@code values} at the start of the view. */
        public FloatStorage set(float[] values) {
            for (int i = 0; i < values.length; i++) {
                put(LEAD + i, values[i]);
            }
            return this;
        }

        /** The {@code length} values of the view. */
        public float[] values() {
            float[] out = new float[length];
            for (int i = 0; i < length; i++) {
                out[i] = get(LEAD + i);
            }
            return out;
        }

        /** Every value of the storage, lead and trail included. */
        public float[] everything() {
            int total = LEAD + length + trail;
            float[] out = new float[total];
            for (int i = 0; i < total; i++) {
                out[i] = get(i);
            }
            return out;
        }

        private float get(int i) {
            return array != null ? array[i] : buffer != null ? buffer.get(i)
                    : whole.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }

        private void put(int i, float v) {
            if (array != null) {
                array[i] = v;
            } else if (buffer != null) {
                buffer.put(i, v);
            } else {
                whole.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
            }
        }
    }
}
