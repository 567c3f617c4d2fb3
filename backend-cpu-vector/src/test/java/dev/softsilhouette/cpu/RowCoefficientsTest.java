package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A row's backward coefficients, their class totals and alpha, from the Vector API code and the plain loops, against
 * the definition in {@code SimdOps.rowCoefficients}: class counts on both sides of every double- and float-vector
 * edge, rows starting anywhere, negative weights (the padding then holds -0), zero and subnormal derivatives, and
 * nothing written past the last float vector or the last double vector of the totals.
 */
class RowCoefficientsTest {

    @Test
    void bothCodesGiveTheDefinitionsBits() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps plain = new LaneSimdOps(vector);
        int dl = vector.doubleLanes();
        int lanes = vector.lanes();
        SplittableRandom random = new SplittableRandom(21);
        for (int classes = 1; classes <= 41; classes++) {
            int padded = (classes + dl - 1) / dl * dl;
            for (int trial = 0; trial < 12; trial++) {
                double weight = (random.nextBoolean() ? -1 : 1)
                        * Math.scalb(random.nextDouble() + 0.5, random.nextInt(-20, 20));
                double[] derivative = new double[classes + dl];
                for (int c = 0; c < classes; c++) {
                    derivative[c] = switch (random.nextInt(6)) {
                        case 0 -> 0.0;
                        case 1 -> Double.MIN_VALUE;
                        default -> (random.nextDouble() - 0.5) * Math.scalb(1.0, random.nextInt(-30, 10));
                    };
                }
                for (int c = classes; c < derivative.length; c++) {
                    derivative[c] = Double.NaN; // past the classes: never read
                }
                double[] sizes = new double[padded];
                for (int c = 0; c < classes; c++) {
                    // class sizes, and (odd trials) values whose products with a float are inexact: FMA or not
                    sizes[c] = trial % 2 == 0 ? 2 + random.nextInt(200) : random.nextDouble(1, 300);
                }
                int coefOff = random.nextInt(5);
                int totalsOff = random.nextInt(5);
                double[] totals = new double[totalsOff + padded + 3];
                for (int c = 0; c < totals.length; c++) {
                    totals[c] = random.nextDouble() - 0.5;
                }

                int width = (classes + lanes - 1) / lanes * lanes;
                float[] coefExpected = new float[coefOff + width + 2];
                coefExpected[coefOff + width] = 7f; // past the float lanes: never written
                double[] totalsExpected = totals.clone();
                double[] laneSums = new double[dl];
                for (int c = 0; c < width; c++) {
                    float f = (float) ((c < classes ? derivative[c] : 0.0) * weight);
                    coefExpected[coefOff + c] = f;
                    if (c < padded) {
                        totalsExpected[totalsOff + c] += f;
                        laneSums[c % dl] = Math.fma(f, sizes[c], laneSums[c % dl]);
                    }
                }
                double alphaExpected = 0.0;
                for (double laneSum : laneSums) {
                    alphaExpected += laneSum;
                }

                String what = classes + " classes, trial " + trial;
                for (SimdOps ops : new SimdOps[] {vector, plain}) {
                    float[] coef = new float[coefExpected.length];
                    coef[coefOff + width] = 7f;
                    double[] into = totals.clone();
                    double alpha = ops.rowCoefficients(weight, derivative, classes, coef, coefOff, into, totalsOff,
                            sizes, new double[dl]);
                    String who = ops.describe() + ", " + what;
                    assertArrayEquals(floatBits(coefExpected), floatBits(coef), who);
                    assertArrayEquals(doubleBits(totalsExpected), doubleBits(into), who);
                    assertEquals(Double.doubleToRawLongBits(alphaExpected), Double.doubleToRawLongBits(alpha), who);
                }
            }
        }
    }

    private static int[] floatBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static long[] doubleBits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
