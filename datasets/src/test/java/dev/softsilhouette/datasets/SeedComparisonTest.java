package dev.softsilhouette.datasets;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedComparisonTest {
    @Test
    void theSummaryPairsTheSeeds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        List<SeedComparison.Outcome> a = List.of(new SeedComparison.Outcome(0.90, 0.30, 0.010),
                new SeedComparison.Outcome(0.80, 0.20, 0.010));
        List<SeedComparison.Outcome> b = List.of(new SeedComparison.Outcome(0.92, 0.50, 0.030),
                new SeedComparison.Outcome(0.79, 0.40, 0.030));
        SeedComparison.printSummary(out, 539, "+ 1.0 x soft silhouette", a, b, 2.5);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("A cross-entropy                 85.00% +- 7.07%    0.250 +- 0.071    10 ms"), text);
        assertTrue(text.contains("B + 1.0 x soft silhouette       85.50% +- 9.19%    0.450 +- 0.071    30 ms"), text);
        assertTrue(text.contains("accuracy of B minus A: +0.50 points (paired, sd 2.12); B better on 1 of 2 seeds"),
                text);
        assertTrue(text.contains("took 2.5 s (4 trainings)"), text);
    }
}
