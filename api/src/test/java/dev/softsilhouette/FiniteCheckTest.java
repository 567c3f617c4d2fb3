package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The embeddings' finiteness check reads a float[] directly or through the segment, value by value (a JVM's first
 * calls) or by steps of their largest magnitude: the same verdict and message every way.
 */
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

    /** Every non-finite kind at the first, last and step-boundary positions, in heap and native memory. */
    @Test
    void theStepwiseCheckFindsTheFirstNonFiniteValueAtEveryPosition() {
        int d = 7;
        int n = 1000; // 7000 values: three full steps of 2048 and a partial one
        int count = n * d;
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0xffc00001)}; // a negative NaN with payload: sign and payload bits do not hide it
        int[] positions = {0, 1, 2046, 2047, 2048, 2049, 4095, 4096, 6143, 6144, count - 2, count - 1};
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            // finite extremes and signs: largest finite, smallest subnormal, negative zero
            values[i] = switch (i % 4) {
                case 0 -> -Float.MAX_VALUE;
                case 1 -> Float.MIN_VALUE;
                case 2 -> -0.0f;
                default -> i * 0.5f;
            };
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment offHeap = arena.allocate((long) count * Float.BYTES);
            MemorySegment heap = MemorySegment.ofArray(values);
            MemorySegment.copy(heap, 0, offHeap, 0, (long) count * Float.BYTES);
            for (MemorySegment x : new MemorySegment[] {heap, offHeap}) {
                assertDoesNotThrow(() -> Arguments.finiteBySteps("embeddings", x, count, d));
            }
            for (float v : bad) {
                for (int p : positions) {
                    // a second bad value later in the same step: the first one is reported
                    int later = Math.min(count - 1, p + 3);
                    float[] copy = values.clone();
                    copy[p] = v;
                    if (later > p) {
                        copy[later] = Float.POSITIVE_INFINITY;
                    }
                    String expected = "embeddings: row " + (p / d) + " column " + (p % d) + " is " + v
                            + "; every value must be finite";
                    MemorySegment onHeap = MemorySegment.ofArray(copy);
                    MemorySegment.copy(onHeap, 0, offHeap, 0, (long) count * Float.BYTES);
                    for (MemorySegment x : new MemorySegment[] {onHeap, offHeap}) {
                        assertEquals(expected, assertThrows(IllegalArgumentException.class,
                                () -> Arguments.finiteBySteps("embeddings", x, count, d)).getMessage(),
                                "value " + v + " at " + p);
                    }
                }
            }
        }
    }
}
