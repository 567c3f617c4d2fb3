package dev.softsilhouette.cpu;

import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Magnitudes 1e-20 and 1e18 with D up to 4096 (SPEC section 8): finite results, and (being scale invariant for the
 * Euclidean metrics, and well separated here) within the ordinary tolerances of the reference.
 */
class ExtremeMagnitudeTest {

    @Test
    void tinyAndHugeRowsStayFiniteAndAccurate() {
        List<String> failures = new ArrayList<>();
        long seed = 7;
        for (double magnitude : new double[]{1e-20, 1e18}) {
            for (int d : new int[]{64, 4096}) {
                for (Metric metric : Metric.values()) {
                    AccuracyTest.Case c = new AccuracyTest.Case(d == 4096 ? 40 : 150, d, 4, metric, 0.1,
                            Reduction.MEAN, seed++);
                    String problem = AccuracyTest.compare(c, magnitude, 0.0);
                    if (problem != null) {
                        failures.add("magnitude " + magnitude + " " + c + ":" + problem);
                    }
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
