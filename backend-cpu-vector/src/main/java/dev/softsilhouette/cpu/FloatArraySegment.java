package dev.softsilhouette.cpu;

import java.lang.foreign.MemorySegment;

/**
 * A workspace float array and a heap segment over it, grown together: rows move between the caller's segments and
 * the kernels by segment-to-segment copies where no float[] is behind the caller's segment ({@link HeapFloatArray}).
 * The array overloads of {@code MemorySegment.copy} select their array type through a pattern switch whose bootstrap
 * spins a class during a JVM's first call (milliseconds, in a first call of tens of them); a copy between two
 * segments costs nothing of the kind.
 */
final class FloatArraySegment {
    private float[] array = new float[0];
    private MemorySegment segment = MemorySegment.ofArray(array);

    /** The array, at least {@code size} long (a new, zeroed one when it had to grow). */
    float[] grow(int size) {
        if (array.length < size) {
            array = new float[size];
            segment = MemorySegment.ofArray(array);
        }
        return array;
    }

    float[] array() {
        return array;
    }

    /** {@code count} floats of {@code source} from float index {@code from} into the array at {@code index}. */
    void read(MemorySegment source, long from, int index, int count) {
        MemorySegment.copy(source, from * Float.BYTES, segment, (long) index * Float.BYTES, (long) count * Float.BYTES);
    }

    /** {@code count} floats of the array from {@code index} into {@code target} at float index {@code to}. */
    void write(int index, MemorySegment target, long to, int count) {
        MemorySegment.copy(segment, (long) index * Float.BYTES, target, to * Float.BYTES, (long) count * Float.BYTES);
    }
}
