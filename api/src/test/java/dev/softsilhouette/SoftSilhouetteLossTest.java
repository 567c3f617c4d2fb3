package dev.softsilhouette;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings, parsing and a hand-computed value; the conformance kit checks the numbers at large. */
class SoftSilhouetteLossTest {

    @Test
    void defaultsAreEuclideanTemperatureOneTenthAndMean() {
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").build();
        assertEquals(Metric.EUCLIDEAN, loss.metric());
        assertEquals(0.1, loss.temperature());
        assertEquals(Reduction.MEAN, loss.reduction());
        SoftSilhouetteLoss copy = loss.toBuilder().metric(Metric.COSINE).build();
        assertEquals(Metric.COSINE, copy.metric());
        assertEquals("reference", copy.backendName());
        assertTrue(loss.toString().contains("tau=0.1"), loss.toString());
    }

    @Test
    void temperatureMustBeNonNegativeAndNotNaN() {
        for (double bad : new double[]{-1e-300, -1, Double.NaN, Double.NEGATIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SoftSilhouetteLoss.builder().temperature(bad));
            assertTrue(e.getMessage().startsWith("tau: ") && e.getMessage().contains(String.valueOf(bad)),
                    e.getMessage());
        }
        SoftSilhouetteLoss.builder().temperature(0.0).temperature(Double.POSITIVE_INFINITY);
    }

    @Test
    void metricAndReductionParseExternalAndConstantNames() {
        assertEquals(Metric.SQUARED_EUCLIDEAN, Metric.parse("sqeuclidean"));
        assertEquals(Metric.SQUARED_EUCLIDEAN, Metric.parse(" Squared_Euclidean "));
        assertEquals(Metric.COSINE, Metric.parse("COSINE"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metric.parse("manhattan"));
        assertTrue(e.getMessage().contains("euclidean, sqeuclidean, cosine"), e.getMessage());
        assertEquals(Reduction.NONE, Reduction.parse("none"));
        assertThrows(IllegalArgumentException.class, () -> Reduction.parse(null));
    }

    /**
     * Four points on a line, classes {0, 1} and {3, 4} (Euclidean): a = 1 for every row; b = 3.5, 2.5, 2.5, 3.5;
     * s = 1 - 1/b. The hard score is the mean of those; sklearn gives the same.
     */
    @Test
    void aHandComputedScore() {
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").temperature(0.0).build();
        float[] x = {0f, 1f, 3f, 4f};
        int[] y = {5, 5, 9, 9};
        double expected = ((1 - 1 / 3.5) * 2 + (1 - 1 / 2.5) * 2) / 4;
        assertEquals(expected, loss.score(x, y, 1), 1e-15);
        assertEquals(1 - expected, loss.forward(x, y, 1), 1e-15);
    }

    @Test
    void perRowOutputsAreNamedInMessages() {
        SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend("reference").reduction(Reduction.NONE).build();
        float[] x = {0f, 1f, 3f, 4f};
        int[] y = {0, 0, 1, 1};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loss.forward(Floats.of(x), Ints.of(y), 4, 1, Floats.of(new float[3])));
        assertTrue(e.getMessage().startsWith("losses: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.samples(Floats.of(x), Ints.of(y), 4, 1, Floats.of(new float[3])));
        assertTrue(e.getMessage().startsWith("samples: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> loss.backward(Floats.of(x), Ints.of(y), 4, 1, null, Floats.of(new float[4])));
        assertTrue(e.getMessage().startsWith("upstream: "), e.getMessage());
    }
}
