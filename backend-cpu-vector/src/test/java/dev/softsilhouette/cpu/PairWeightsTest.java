package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The backward pair weights of the Vector API code against the plain loops, bit for bit, and against the formula: the
 * row coefficient of each column's class picked by a permutation where a vector's classes are consecutive (sorted
 * classes, each present: what the kernel passes), by a gather where they are not (classes skipped, unsorted).
 */
class PairWeightsTest {

    private static final int ROWS = 9;
    private static final int CLASSES = 70;

    @Test
    void sameBitsAsThePlainLoopsForEveryClassLayout() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps plain = new LaneSimdOps(vector);
        int lanes = vector.lanes();
        SplittableRandom random = new SplittableRandom(14);
        int len = 5 * lanes;
        int j0 = lanes; // a tile's columns start at a multiple of the lanes
        int columns = j0 + len;
        String[] layouts = {"runs", "singletons", "one class", "gaps", "unsorted"};
        for (String layout : layouts) {
            int[] classOf = classes(layout, columns, random);
            float[] rowCoef = new float[ROWS * (CLASSES + 1) + lanes];
            for (int i = 0; i < rowCoef.length; i++) {
                rowCoef[i] = (float) (random.nextDouble() - 0.5);
            }
            float[] colCoef = new float[len];
            float[] distances = new float[len];
            for (int c = 0; c < len; c++) {
                colCoef[c] = (float) (random.nextDouble() - 0.5);
                distances[c] = c % 7 == 3 ? 0f : (float) (0.1 + random.nextDouble()); // d = 0 carries no weight
            }
            for (int row = 0; row < ROWS; row++) {
                int rowCoefOff = row * (CLASSES + 1);
                float[] fromVector = distances.clone();
                float[] fromPlain = distances.clone();
                float[] columnsVector = new float[len];
                float[] columnsPlain = new float[len];
                float sumVector = vector.pairWeights(fromVector, 0, len, rowCoef, rowCoefOff, classOf, j0, colCoef, 0,
                        columnsVector);
                float sumPlain = plain.pairWeights(fromPlain, 0, len, rowCoef, rowCoefOff, classOf, j0, colCoef, 0,
                        columnsPlain);
                String what = layout + ", row " + row;
                assertEquals(Float.floatToRawIntBits(sumPlain), Float.floatToRawIntBits(sumVector), what);
                for (int c = 0; c < len; c++) {
                    assertEquals(Float.floatToRawIntBits(fromPlain[c]), Float.floatToRawIntBits(fromVector[c]),
                            what + ", column " + c);
                    assertEquals(Float.floatToRawIntBits(columnsPlain[c]), Float.floatToRawIntBits(columnsVector[c]),
                            what + ", column sum " + c);
                    float coefficient = rowCoef[rowCoefOff + classOf[j0 + c]] + colCoef[c];
                    float expected = distances[c] > 0f ? coefficient / distances[c] : 0f;
                    assertEquals(expected, fromVector[c], what + ", column " + c);
                }
            }
        }
    }

    private static int[] classes(String layout, int columns, SplittableRandom random) {
        int[] classOf = new int[columns];
        int run = 0;
        int c = 0;
        for (int j = 0; j < columns; j++) {
            if (layout.equals("runs") && run-- == 0) { // runs of 1 to 5 columns, classes in order
                run = random.nextInt(5);
                c = j == 0 ? 0 : Math.min(CLASSES, c + 1);
            }
            classOf[j] = switch (layout) {
                case "runs" -> c;
                case "singletons" -> Math.min(CLASSES, j);
                case "one class" -> 4;
                case "gaps" -> Math.min(CLASSES, j * 3); // a vector spans more classes than it has lanes
                default -> random.nextInt(CLASSES + 1);
            };
        }
        return classOf;
    }
}
