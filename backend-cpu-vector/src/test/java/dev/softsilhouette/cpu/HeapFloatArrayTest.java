package dev.softsilhouette.cpu;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The float[] behind a caller's segment, where the kernels read rows from and write gradient rows to directly: found
 * for every float[]-backed segment at its offset, never for other memory, and never a previous call's array for a new
 * one (the lookup is cached by segment equality).
 */
class HeapFloatArrayTest {

    @Test
    void findsTheArrayAndItsStart() {
        HeapFloatArray lookup = new HeapFloatArray();
        float[] a = new float[10];
        MemorySegment whole = MemorySegment.ofArray(a);
        assertSame(a, lookup.arrayOf(whole));
        assertEquals(0, HeapFloatArray.start(whole));
        MemorySegment slice = whole.asSlice(3L * Float.BYTES, 4L * Float.BYTES);
        assertSame(a, lookup.arrayOf(slice));
        assertEquals(3, HeapFloatArray.start(slice));
        FloatBuffer buffer = FloatBuffer.wrap(a, 0, 10).position(2).slice();
        MemorySegment fromBuffer = MemorySegment.ofBuffer(buffer);
        assertSame(a, lookup.arrayOf(fromBuffer));
        assertEquals(2, HeapFloatArray.start(fromBuffer));
    }

    @Test
    void nothingForOtherMemory() {
        HeapFloatArray lookup = new HeapFloatArray();
        assertNull(lookup.arrayOf(null));
        assertNull(lookup.arrayOf(MemorySegment.ofArray(new byte[16])));
        assertNull(lookup.arrayOf(MemorySegment.ofBuffer(ByteBuffer.allocate(16).asFloatBuffer())));
        assertNull(lookup.arrayOf(MemorySegment.ofArray(new float[4]).asSlice(2))); // not at a float boundary
        assertNull(lookup.arrayOf(MemorySegment.ofArray(new float[4]).asReadOnly()));
        try (Arena arena = Arena.ofConfined()) {
            assertNull(lookup.arrayOf(arena.allocate(16, Float.BYTES)));
        }
    }

    @Test
    void aNewArrayIsNeverTheAnswerToAnOldLookup() {
        HeapFloatArray lookup = new HeapFloatArray();
        float[] first = new float[8];
        float[] second = new float[8];
        assertSame(first, lookup.arrayOf(MemorySegment.ofArray(first)));
        assertSame(first, lookup.arrayOf(MemorySegment.ofArray(first).asSlice(0, 16))); // equal: same base, address
        assertSame(second, lookup.arrayOf(MemorySegment.ofArray(second)));
        assertSame(first, lookup.arrayOf(MemorySegment.ofArray(first).asSlice(4)));
        assertEquals(1, HeapFloatArray.start(MemorySegment.ofArray(first).asSlice(4)));
    }
}
