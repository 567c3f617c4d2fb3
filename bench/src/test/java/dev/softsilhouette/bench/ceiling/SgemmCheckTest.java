package dev.softsilhouette.bench.ceiling;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The float64 check that keeps a wrong kernel from becoming a ceiling, on a product computed here in float32. */
class SgemmCheckTest {
    private static final GemmShape SHAPE = new GemmShape(37, 29, 300);

    private static float[] values(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[count];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** C = A * B^T accumulated in float32, in order: what a correct SGEMM may give. */
    private static float[][] product(float[] a, float[] b) {
        float[][] c = new float[SHAPE.m()][SHAPE.n()];
        for (int i = 0; i < SHAPE.m(); i++) {
            for (int j = 0; j < SHAPE.n(); j++) {
                float sum = 0;
                for (int p = 0; p < SHAPE.k(); p++) {
                    sum += a[i * SHAPE.k() + p] * b[j * SHAPE.k() + p];
                }
                c[i][j] = sum;
            }
        }
        return c;
    }

    @Test
    void aFloat32ProductPasses() {
        float[] a = values(SHAPE.m() * SHAPE.k(), 1);
        float[] b = values(SHAPE.n() * SHAPE.k(), 2);
        float[][] c = product(a, b);
        SgemmCheck.Verdict v = SgemmCheck.check(SHAPE, a, b, i -> c[i]);
        assertTrue(v.correct(), v.describe());
        assertTrue(v.worstRatio() > 0 && v.worstRatio() <= 1, "float32 rounding shows, within the bound: "
                + v.worstRatio());
        assertEquals(SgemmCheck.rows(SHAPE.m()).size(), v.rowsChecked());
    }

    @Test
    void oneWrongElementInTheLastRowFails() {
        float[] a = values(SHAPE.m() * SHAPE.k(), 1);
        float[] b = values(SHAPE.n() * SHAPE.k(), 2);
        float[][] c = product(a, b);
        c[SHAPE.m() - 1][SHAPE.n() - 1] += 0.01f; // a remainder block gone wrong
        SgemmCheck.Verdict v = SgemmCheck.check(SHAPE, a, b, i -> c[i]);
        assertFalse(v.correct());
        assertTrue(v.describe().startsWith("wrong product: C[36][28] = "), v.describe());
    }

    @Test
    void aNaNFails() {
        float[] a = values(SHAPE.m() * SHAPE.k(), 1);
        float[] b = values(SHAPE.n() * SHAPE.k(), 2);
        float[][] c = product(a, b);
        c[0][3] = Float.NaN;
        SgemmCheck.Verdict v = SgemmCheck.check(SHAPE, a, b, i -> c[i]);
        assertFalse(v.correct());
        assertEquals(Double.POSITIVE_INFINITY, v.worstRatio());
    }

    @Test
    void checkedRowsIncludeBothEdges() {
        TreeSet<Integer> rows = SgemmCheck.rows(4096);
        assertTrue(rows.containsAll(java.util.List.of(0, 1, 4094, 4095)), rows.toString());
        assertEquals(10, rows.size());
        assertEquals(java.util.Set.of(0), SgemmCheck.rows(1));
    }
}
