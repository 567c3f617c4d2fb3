package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Floats} and {@link Ints}: offsets, positions, byte order, read-only detection. */
class BufferViewsTest {
    private static final ByteOrder FOREIGN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
            ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;

    @Test
    void anArrayViewStartsAtItsOffset() {
        float[] a = {1f, 2f, 3f, 4f, 5f};
        Floats f = Floats.of(a, 2);
        assertEquals(3, f.length());
        assertEquals(3f, f.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        assertEquals(0, Floats.of(a, 5).length());
        assertFalse(f.isReadOnly());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Floats.of(a, 6));
        assertTrue(e.getMessage().contains("offset: 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Floats.of(a, -1));
        Ints i = Ints.of(new int[]{7, 8, 9}, 1);
        assertEquals(2, i.length());
        assertEquals(8, i.segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0));
        assertThrows(IllegalArgumentException.class, () -> Ints.of(new int[2], 3));
    }

    @Test
    void aBufferViewRunsFromPositionToLimit() {
        FloatBuffer heap = FloatBuffer.wrap(new float[]{1f, 2f, 3f, 4f, 5f});
        heap.position(1).limit(4);
        Floats f = Floats.of(heap);
        assertEquals(3, f.length());
        assertEquals(2f, f.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        assertEquals(1, heap.position(), "the view does not move the buffer");

        FloatBuffer direct = ByteBuffer.allocateDirect(40).order(ByteOrder.nativeOrder()).asFloatBuffer();
        direct.put(3, 42f).position(3);
        Floats d = Floats.of(direct);
        assertEquals(7, d.length());
        assertEquals(42f, d.segment().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
        assertTrue(d.segment().isNative());

        IntBuffer labels = ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asIntBuffer();
        labels.put(2, 11).position(2);
        assertEquals(2, Ints.of(labels).length());
        assertEquals(11, Ints.of(labels).segment().getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, 0));
    }

    @Test
    void aBufferInTheForeignByteOrderIsRejectedWithTheFix() {
        FloatBuffer wrongOrder = ByteBuffer.allocate(16).order(FOREIGN).asFloatBuffer();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Floats.of(wrongOrder));
        assertTrue(e.getMessage().contains(FOREIGN.toString()) && e.getMessage().contains("nativeOrder"),
                e.getMessage());
        FloatBuffer directWrongOrder = ByteBuffer.allocateDirect(16).order(FOREIGN).asFloatBuffer();
        assertThrows(IllegalArgumentException.class, () -> Floats.of(directWrongOrder));
        IntBuffer intsWrongOrder = ByteBuffer.allocateDirect(16).order(FOREIGN).asIntBuffer();
        assertThrows(IllegalArgumentException.class, () -> Ints.of(intsWrongOrder));
    }

    @Test
    void readOnlyBuffersAndSegmentsAreDetected() {
        assertTrue(Floats.of(FloatBuffer.allocate(4).asReadOnlyBuffer()).isReadOnly());
        assertTrue(Floats.of(ByteBuffer.allocateDirect(16).order(ByteOrder.nativeOrder()).asFloatBuffer()
                .asReadOnlyBuffer()).isReadOnly());
        assertTrue(Floats.of(MemorySegment.ofArray(new float[4]).asReadOnly()).isReadOnly());
        assertFalse(Floats.of(FloatBuffer.allocate(4)).isReadOnly());
        assertFalse(Floats.of(Arena.ofAuto().allocate(16)).isReadOnly());
    }

    @Test
    void segmentsOfAnyAlignmentAreCountedInWholeValues() {
        MemorySegment native_ = Arena.ofAuto().allocate(64, 8);
        Floats unaligned = Floats.of(native_.asSlice(2, 41));
        assertEquals(10, unaligned.length());
        assertEquals(4, Ints.of(native_.asSlice(1, 16)).length());
        assertTrue(unaligned.toString().contains("native MemorySegment"), unaligned.toString());
        assertTrue(Floats.of(MemorySegment.ofArray(new float[3])).toString().contains("heap MemorySegment"));
    }

    @Test
    void aReadOnlyOutputIsRejectedBeforeAnythingRuns() {
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").build();
        float[] x = {0f, 1f, 2f, 3f};
        int[] y = {0, 0, 1, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loss.forwardBackward(
                Floats.of(x), Ints.of(y), 4, 1, Floats.of(FloatBuffer.allocate(4).asReadOnlyBuffer())));
        assertTrue(e.getMessage().startsWith("gradient: ") && e.getMessage().contains("read-only"), e.getMessage());
    }
}
