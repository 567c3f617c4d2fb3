package dev.softsilhouette.cuda.engine.strategies;

import dev.softsilhouette.Metric;
import dev.softsilhouette.cuda.engine.strategies.StrategyChoice.Strategy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.softsilhouette.cuda.engine.strategies.StrategyChoice.Strategy.FUSED;
import static dev.softsilhouette.cuda.engine.strategies.StrategyChoice.Strategy.SGEMM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyChoiceTest {
    private static final long H200 = 141L << 30;
    private static final long SMALL_GPU = 16L << 30;

    private static Strategy auto(int n, int d, int k, Metric metric, long memory) {
        return StrategyChoice.of("auto", memory, null).choose(n, d, k, metric, true);
    }

    @Test
    void euclideanRunsSgemmOnlyForWideRowsAndEnoughPairWork() {
        assertEquals(SGEMM, auto(16384, 512, 1000, Metric.EUCLIDEAN, H200), "the target shape");
        assertEquals(FUSED, auto(1024, 64, 16, Metric.EUCLIDEAN, H200), "a small batch: launches decide");
        assertEquals(SGEMM, auto(4096, 128, 64, Metric.EUCLIDEAN, H200), "N^2 D = 2^31, D = 128: both thresholds");
        assertEquals(FUSED, auto(4095, 128, 64, Metric.EUCLIDEAN, H200), "just below the pair work");
        assertEquals(FUSED, auto(65536, 127, 10, Metric.EUCLIDEAN, H200), "narrow rows: the Gram traffic loses");
        assertEquals(FUSED, auto(100_000, 64, 100, Metric.EUCLIDEAN, H200), "partials 0.6 GB of 141 GiB");
    }

    @Test
    void withoutTheGradientEuclideanRunsFusedBelowTheMemoryBound() {
        StrategyChoice auto = StrategyChoice.of("auto", H200, null);
        assertEquals(FUSED, auto.choose(16384, 512, 1000, Metric.EUCLIDEAN, false), "the target shape's score");
        assertEquals(SGEMM, auto.choose(800_000, 8, 10, Metric.EUCLIDEAN, false), "past the memory bound");
        assertEquals(SGEMM, auto.choose(16384, 512, 1000, Metric.COSINE, false), "class statistics: as with it");
        assertEquals(FUSED, auto.choose(1024, 64, 16, Metric.SQUARED_EUCLIDEAN, false));
    }

    @Test
    void euclideanRunsSgemmWhenTheFusedPartialsWouldTakeAQuarterOfTheDevice() {
        // N (K + ceil(N / 64) - 1) floats: 300,000 rows of 10 classes need 5.2 GiB, 800,000 rows 37.3 GiB
        assertEquals(FUSED, auto(300_000, 64, 10, Metric.EUCLIDEAN, H200));
        assertEquals(SGEMM, auto(300_000, 64, 10, Metric.EUCLIDEAN, SMALL_GPU), "over 4 GiB of 16 GiB");
        assertEquals(SGEMM, auto(800_000, 8, 10, Metric.EUCLIDEAN, H200), "over 35.25 GiB of 141 GiB");
    }

    @Test
    void classStatisticsRunSgemmFromTwoToTheTwentyThirdRowClassDimensions() {
        for (Metric metric : List.of(Metric.SQUARED_EUCLIDEAN, Metric.COSINE)) {
            assertEquals(SGEMM, auto(16384, 512, 1000, metric, H200), metric + " target");
            assertEquals(FUSED, auto(1024, 64, 16, metric, H200), metric + " small");
            assertEquals(SGEMM, auto(1 << 13, 1 << 5, 1 << 5, metric, H200), metric + " N K D = 2^23");
            assertEquals(FUSED, auto((1 << 13) - 1, 1 << 5, 1 << 5, metric, H200), metric + " just below");
            assertEquals(FUSED, auto(1_000_000, 2, 2, metric, SMALL_GPU), metric + ": no quadratic memory rule");
        }
    }

    @Test
    void thePropertyForcesEitherStrategyAndRejectsAnythingElse() {
        assertEquals(FUSED, StrategyChoice.of(" Fused ", H200, null)
                .choose(16384, 512, 1000, Metric.EUCLIDEAN, true));
        assertEquals(SGEMM, StrategyChoice.of("sgemm", H200, null).choose(8, 2, 2, Metric.COSINE, true));
        assertEquals(SGEMM, StrategyChoice.of(null, H200, null).choose(16384, 512, 1000, Metric.EUCLIDEAN, true));
        assertEquals(SGEMM, StrategyChoice.of("  ", H200, null).choose(16384, 512, 1000, Metric.EUCLIDEAN, true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrategyChoice.of("cublas", H200, null));
        assertEquals("silhouette.cuda.strategy: not a strategy: cublas (use auto, fused or sgemm)", e.getMessage());
        assertEquals(List.of(FUSED, SGEMM), StrategyChoice.of("auto", H200, null).strategies());
        assertEquals(List.of(SGEMM), StrategyChoice.of("sgemm", H200, null).strategies());
    }

    @Test
    void withoutTheSgemmStrategyEveryShapeRunsFusedAndForcingSgemmSaysWhy() {
        StrategyChoice choice = StrategyChoice.of("auto", H200, "cuBLAS could not be loaded");
        assertEquals(FUSED, choice.choose(16384, 512, 1000, Metric.EUCLIDEAN, true));
        assertEquals(FUSED, choice.choose(16384, 512, 1000, Metric.COSINE, true));
        assertEquals(FUSED, choice.choose(10_000_000, 8, 10, Metric.EUCLIDEAN, true), "even past the memory rule");
        assertEquals(List.of(FUSED), choice.strategies());
        assertTrue(choice.describe().contains("cuBLAS could not be loaded"), choice.describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StrategyChoice.of("sgemm", H200, "cuBLAS could not be loaded"));
        assertEquals("silhouette.cuda.strategy=sgemm, but this backend cannot run the SGEMM strategy: cuBLAS could "
                + "not be loaded", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> choice.forcedTo(SGEMM));
    }

    @Test
    void theConfiguredChoiceReadsTheSystemProperty() {
        String before = System.getProperty(StrategyChoice.PROPERTY);
        try {
            System.setProperty(StrategyChoice.PROPERTY, "fused");
            assertEquals(FUSED, StrategyChoice.configured(H200, null)
                    .choose(16384, 512, 1000, Metric.EUCLIDEAN, true));
            System.setProperty(StrategyChoice.PROPERTY, "gemm");
            assertThrows(IllegalArgumentException.class, () -> StrategyChoice.configured(H200, null));
        } finally {
            if (before == null) {
                System.clearProperty(StrategyChoice.PROPERTY);
            } else {
                System.setProperty(StrategyChoice.PROPERTY, before);
            }
        }
    }
}
