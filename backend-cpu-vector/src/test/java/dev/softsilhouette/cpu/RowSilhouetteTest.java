package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.VectorSimdOps;
import dev.softsilhouette.spi.SilhouetteMath;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vectorised per-row math against {@link SilhouetteMath} (float64, the reference backend's): the same s_i and
 * derivative to far below the SPEC 8 tolerances, for class counts around the vector length, every temperature regime
 * (hard minimum, weights that underflow, weights that all count, the plain mean) and the conventions.
 */
class RowSilhouetteTest {

    @Test
    void matchesTheScalarRowMath() {
        VectorSimdOps ops = new VectorSimdOps();
        SplittableRandom random = new SplittableRandom(5);
        double[] taus = {0.0, 1e-3, 0.1, 1.0, 30.0, 1e6, Double.POSITIVE_INFINITY, Double.MIN_VALUE};
        for (int classes : new int[]{1, 2, 3, 7, 8, 9, 16, 17, 100}) {
            int lanes = ops.doubleLanes();
            int padded = (classes + lanes - 1) / lanes * lanes;
            int[] offsets = new int[classes + 1];
            for (int c = 0; c < classes; c++) {
                offsets[c + 1] = offsets[c] + 1 + random.nextInt(5); // singletons included
            }
            double[] inverse = new double[padded];
            for (int c = 0; c < classes; c++) {
                inverse[c] = 1.0 / (offsets[c + 1] - offsets[c]);
            }
            double[] scratch = new double[2 * padded + lanes];
            double[] sums = new double[classes + padded];
            double[] derivative = new double[classes];
            double[] expected = new double[classes];
            for (double tau : taus) {
                for (int trial = 0; trial < 40; trial++) {
                    for (int c = 0; c < classes; c++) {
                        sums[c] = (offsets[c + 1] - offsets[c]) * (trial % 5 == 0 ? 0.0 : 1 + 3 * random.nextDouble());
                    }
                    int own = random.nextInt(classes);
                    double s = ops.rowSilhouette(own, sums, 0, classes, offsets, inverse, tau, derivative, scratch);
                    double sRef = SilhouetteMath.rowSilhouette(own, sums, 0, offsets, tau, expected, 0);
                    String what = "K=" + classes + " tau=" + tau + " trial " + trial;
                    assertEquals(sRef, s, 1e-12, what);
                    double scale = 0.0;
                    for (double e : expected) {
                        scale = Math.max(scale, Math.abs(e));
                    }
                    for (int c = 0; c < classes; c++) {
                        assertTrue(Math.abs(derivative[c] - expected[c]) <= 1e-9 * scale,
                                what + " class " + c + ": " + derivative[c] + " vs " + expected[c]);
                    }
                }
            }
        }
    }
}
