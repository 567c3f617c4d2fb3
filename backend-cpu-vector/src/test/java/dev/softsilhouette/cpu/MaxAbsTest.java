package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row's largest magnitude, which sets the power of two the rows are scaled by, from the Vector API code and the
 * plain loops, against the definition: every length from 0 to five vectors and a scalar tail, the largest value in
 * the vector part, the scalar tail, the first and the last lane, negative, subnormal or -0; nothing past the length
 * read into it, and the row left unchanged. The kernels cannot show a wrong maximum within 2^&plusmn;32 of 1: it
 * only chooses an exact scaling.
 */
class MaxAbsTest {

    @Test
    void largestMagnitudeOfTheRowOnly() {
        VectorSimdOps vector = new VectorSimdOps();
        SimdOps[] twins = {vector, new LaneSimdOps(vector)};
        int lanes = vector.lanes();
        SplittableRandom random = new SplittableRandom(25);
        int off = 5; // rows start anywhere in the array
        for (int len = 0; len <= 5 * lanes + 3; len++) {
            for (int trial = 0; trial < 12; trial++) {
                float[] row = new float[off + len + lanes];
                for (int t = 0; t < len; t++) {
                    row[off + t] = (float) (random.nextDouble() - 0.5) * (trial % 3 == 0 ? 1e-40f : 1f);
                }
                if (len > 0 && trial > 0) { // the largest at a chosen place, negative on odd trials
                    int at = switch (trial % 4) {
                        case 0 -> 0;
                        case 1 -> len - 1;
                        case 2 -> Math.min(len - 1, lanes - 1);
                        default -> random.nextInt(len);
                    };
                    row[off + at] = trial % 2 == 1 ? -3.5f : 3.5f;
                }
                if (len > 1 && trial == 5) {
                    row[off + 1] = -0f;
                }
                row[off - 1] = 1e30f; // around the row: never read into the result
                row[off + len] = -1e30f;
                float expected = 0f;
                for (int t = 0; t < len; t++) {
                    expected = Math.max(expected, Math.abs(row[off + t]));
                }
                float[] before = row.clone();
                for (SimdOps ops : twins) {
                    String what = ops.describe() + ", len " + len + ", trial " + trial;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(ops.maxAbs(row, off, len)),
                            what);
                    assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(row), what);
                }
            }
        }
    }
}
