package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cpu.simd.LaneSimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;
import dev.softsilhouette.spi.ClassMeans;
import dev.softsilhouette.spi.ClassTable;
import dev.softsilhouette.spi.SilhouetteMath;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The block decomposition's score in lanes ({@code silhouettesByLane}, tau = 0) against the API's rules row by row
 * ({@link ClassMeans#toDistanceSums}, then {@link SilhouetteMath#rowSilhouette} at tau = 0): the same s_i to a few
 * ulps (the other classes' means are products with 1/n_k there, quotients here), with singleton classes, rows at
 * a class mean (sums that are rounding noise, taken as 0), all-zero sums (max(a, b) = 0) and the cosine corrections;
 * and the plain-loop twin gives the vector code's bits.
 */
class SilhouettesByLaneTest {

    @Test
    void matchesTheRowByRowRules() {
        VectorSimdOps vector = new VectorSimdOps();
        LaneSimdOps lanes = new LaneSimdOps(vector);
        int group = 2 * vector.doubleLanes();
        SplittableRandom random = new SplittableRandom(11);
        int d = 3;
        for (Metric metric : new Metric[] {Metric.SQUARED_EUCLIDEAN, Metric.COSINE}) {
            for (int classes : new int[] {2, 3, 7, 10, 17}) {
                for (int trial = 0; trial < 30; trial++) {
                    int[] offsets = new int[classes + 1];
                    for (int c = 0; c < classes; c++) {
                        offsets[c + 1] = offsets[c] + 1 + random.nextInt(4); // singletons included
                    }
                    double[] classSums = random.doubles((long) classes * d, -2, 2).toArray();
                    double[] squaredNorms = random.doubles(classes, 0, 20).toArray();
                    double[] floorCorrections = metric == Metric.COSINE
                            ? random.doubles(classes, 0, 1e-3).toArray() : new double[classes];
                    ClassTable table = new ClassTable(classes, d, new double[d], offsets, classSums, squaredNorms,
                            floorCorrections);
                    ClassMeans means = new ClassMeans();
                    means.load(metric, table);
                    double[] sizes = new double[classes];
                    double[] inverseSizes = new double[classes];
                    for (int c = 0; c < classes; c++) {
                        sizes[c] = table.classSize(c);
                        inverseSizes[c] = 1.0 / sizes[c];
                    }
                    double[] distances = new double[classes * group];
                    double[] own = new double[group];
                    double[] squares = new double[group];
                    double[] corrections = new double[group];
                    for (int r = 0; r < group; r++) {
                        own[r] = random.nextInt(classes);
                        squares[r] = random.nextDouble(0, 10);
                        corrections[r] = metric == Metric.COSINE && r % 3 == 0 ? random.nextDouble(0, 1e-3) : 0.0;
                        for (int c = 0; c < classes; c++) {
                            // zeros: a row at a class mean (noise) and, every 7th trial, a row with nothing to tell
                            distances[c * group + r] = trial % 7 == 0 || (r + c) % 5 == 0 ? 0.0
                                    : random.nextDouble(0, 5);
                        }
                    }
                    if (trial % 7 == 0) {
                        java.util.Arrays.fill(means.scatters(), 0, classes, 0.0);
                    }
                    double[] byVector = new double[group];
                    double[] byLoops = new double[group];
                    vector.silhouettesByLane(distances, classes, metric == Metric.COSINE, sizes, inverseSizes,
                            means.scatters(), squaredNorms, floorCorrections, own, squares, corrections, byVector);
                    lanes.silhouettesByLane(distances, classes, metric == Metric.COSINE, sizes, inverseSizes,
                            means.scatters(), squaredNorms, floorCorrections, own, squares, corrections, byLoops);
                    assertArrayEquals(byVector, byLoops, "the plain loops give the vector code's bits");
                    for (int r = 0; r < group; r++) {
                        double[] sums = new double[classes];
                        for (int c = 0; c < classes; c++) {
                            sums[c] = distances[c * group + r];
                        }
                        means.toDistanceSums((int) own[r], squares[r], corrections[r], sums);
                        double expected = SilhouetteMath.rowSilhouette((int) own[r], sums, 0, offsets, 0.0, null, 0);
                        assertEquals(expected, byVector[r], 1e-14,
                                metric + " K=" + classes + " trial " + trial + " row " + r);
                    }
                }
            }
        }
    }
}
