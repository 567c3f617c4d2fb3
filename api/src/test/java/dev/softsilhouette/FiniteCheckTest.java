package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The embeddings' finiteness check reads a float[] directly or through the segment: the same verdict either way. */
class FiniteCheckTest {
    private static final int N = 5;
    private static final int D = 3;

    private static String problem(MemorySegment x) {
        return assertThrows(IllegalArgumentException.class, () -> Arguments.finite("embeddings", x, N, D))
                .getMessage();
    }

    @Test
    void everyKindOfSegmentNamesTheSameRowAndColumn() {
        float[] values = new float[2 + N * D + 2];
        values[0] = Float.NaN; // outside the slice below: never looked at
        values[values.length - 1] = Float.POSITIVE_INFINITY;
        MemorySegment slice = MemorySegment.ofArray(values).asSlice(2L * Float.BYTES, (long) N * D * Float.BYTES);
        Arguments.finite("embeddings", slice, N, D);
        Arguments.finite("embeddings", slice.asReadOnly(), N, D);

        values[2 + 3 * D + 2] = Float.NEGATIVE_INFINITY; // row 3, column 2 of the slice
        String expected = "embeddings: row 3 column 2 is -Infinity; every value must be finite";
        assertEquals(expected, problem(slice), "the array path");
        assertEquals(expected, problem(slice.asReadOnly()), "a read-only view goes through the segment");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate((long) N * D * Float.BYTES);
            MemorySegment.copy(slice, ValueLayout.JAVA_FLOAT, 0, offHeap, ValueLayout.JAVA_FLOAT, 0, (long) N * D);
            assertEquals(expected, problem(offHeap), "native memory");
        }
        float[] plain = new float[N * D];
        plain[1] = Float.NaN;
        assertEquals("embeddings: row 0 column 1 is NaN; every value must be finite",
                problem(MemorySegment.ofArray(plain)));
    }
}
