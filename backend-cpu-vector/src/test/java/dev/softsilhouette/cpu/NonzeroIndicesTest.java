package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The list of a row's non-zero coefficients (what the sparse backward products run over) and their count, from the
 * Vector API code and the plain loops, against the definition: every vector dense, none, a few, at vector edges, -0 (a
 * zero) and NaN (not a zero, as Java's {@code !=} has it).
 */
class NonzeroIndicesTest {

    @Test
    void listsExactlyTheNonzeroPositionsInOrder() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps plain = new LaneSimdOps(vector);
        int lanes = vector.lanes();
        SplittableRandom random = new SplittableRandom(14);
        int off = 3; // rows start anywhere in the coefficient array
        for (int vectors = 1; vectors <= 7; vectors++) {
            int len = vectors * lanes;
            for (double density : new double[] {0.0, 0.03, 0.5, 0.97, 1.0}) {
                for (int trial = 0; trial < 20; trial++) {
                    float[] v = new float[off + len + lanes];
                    for (int c = 0; c < len; c++) {
                        v[off + c] = random.nextDouble() < density ? nonzero(random) : (c % 5 == 0 ? -0f : 0f);
                    }
                    if (trial == 1 && len > 1) { // the edges of the vectors
                        v[off] = 1f;
                        v[off + len - 1] = -1f;
                        v[off + lanes - 1] = Float.MIN_VALUE;
                    }
                    v[off + len] = 7f; // past len: never listed
                    int[] expected = expected(v, off, len);
                    String what = "len " + len + ", density " + density + ", trial " + trial;
                    assertArrayEquals(expected, listed(vector, v, off, len), "Vector API, " + what);
                    assertArrayEquals(expected, listed(plain, v, off, len), "plain loops, " + what);
                    assertEquals(expected.length, vector.nonzeroCount(v, off, len), "Vector API count, " + what);
                    assertEquals(expected.length, plain.nonzeroCount(v, off, len), "plain loops count, " + what);
                }
            }
        }
    }

    private static float nonzero(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> Float.NaN;
            case 1 -> Float.MIN_VALUE;
            case 2 -> -Float.MIN_VALUE;
            default -> (float) (random.nextDouble() - 0.5) + 1e-3f;
        };
    }

    private static int[] expected(float[] v, int off, int len) {
        List<Integer> nonzero = new ArrayList<>();
        for (int c = 0; c < len; c++) {
            if (v[off + c] != 0f) {
                nonzero.add(c);
            }
        }
        return nonzero.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] listed(SimdOps ops, float[] v, int off, int len) {
        int indexOff = 5;
        int[] indices = new int[indexOff + len];
        java.util.Arrays.fill(indices, -1);
        int count = ops.nonzeroIndices(v, off, len, indices, indexOff);
        return java.util.Arrays.copyOfRange(indices, indexOff, indexOff + count);
    }
}
