package dev.softsilhouette.cli.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The statistics {@code demo --compare} judges differences by. */
class ComparisonTest {
    @Test
    void signTestIsTheExactBinomialTail() {
        assertEquals(2.0 / 1024, Comparison.Stats.signTest(10, 0), 1e-15);
        assertEquals(2.0 * (1 + 10) / 1024, Comparison.Stats.signTest(1, 9), 1e-15);
        assertEquals(1.0, Comparison.Stats.signTest(5, 5));
        assertEquals(1.0, Comparison.Stats.signTest(0, 0));
    }

    @Test
    void pairedIntervalUsesStudentsT() {
        double[] a = {0.90, 0.91, 0.92, 0.93, 0.94};
        double[] b = {0.91, 0.93, 0.93, 0.95, 0.95}; // differences 1, 2, 1, 2, 1 (x 0.01)
        Comparison.Paired p = Comparison.Paired.of(a, b);
        assertEquals(0.014, p.mean(), 1e-12);
        double half = 2.776 * Math.sqrt(0.3) * 0.01 / Math.sqrt(5); // t_{0.975,4} sd / sqrt(n), sd^2 = 1.2/4
        assertEquals(0.014 - half, p.low(), 1e-9);
        assertTrue(p.beyondSpread(), "all five seeds better by 1-2 points: the interval excludes 0");
        assertEquals(5, p.better());
    }

    @Test
    void fewerThanFiveSeedsAreNeverJudged() {
        Comparison.Paired p = Comparison.Paired.of(new double[] {0.1, 0.2}, new double[] {0.9, 0.95});
        assertFalse(p.beyondSpread());
        assertTrue(p.sentence("Accuracy", "B", "A", 100, "points", 2).endsWith("not judged."));
    }
}
