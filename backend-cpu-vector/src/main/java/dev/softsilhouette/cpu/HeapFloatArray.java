package dev.softsilhouette.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;

/**
 * The {@code float[]} behind a caller's heap segment ({@code Floats.of(float[])}, heap buffers and segments), so that
 * rows move by {@code System.arraycopy} or are written in place rather than through {@code MemorySegment.copy}'s
 * checks on every row. {@code heapBase()} returns a new {@code Optional}, which the JIT does not always remove (16 B a
 * call in one JVM configuration), so the last lookup is kept, weakly (the caller's memory is not held by it), and
 * reused while the caller passes an equal segment: same base object and address, which equality compares without
 * allocating. One per workspace, so one thread's.
 */
final class HeapFloatArray {
    private WeakReference<MemorySegment> lastSegment = new WeakReference<>(null);
    private WeakReference<float[]> lastArray = new WeakReference<>(null);

    /**
     * The array behind {@code segment}, its first float at {@link #start}; null for a native, read-only or
     * unaligned segment, and for null.
     */
    float[] arrayOf(MemorySegment segment) {
        if (segment == null || segment.isNative() || segment.address() % Float.BYTES != 0) {
            return null;
        }
        float[] array = segment.equals(lastSegment.get()) ? lastArray.get() : null;
        if (array == null && segment.heapBase().orElse(null) instanceof float[] base) {
            array = base;
            lastSegment = new WeakReference<>(segment);
            lastArray = new WeakReference<>(base);
        }
        return array;
    }

    /** The index in {@link #arrayOf}'s array of the segment's first float. */
    static int start(MemorySegment segment) {
        return (int) (segment.address() / Float.BYTES);
    }
}
