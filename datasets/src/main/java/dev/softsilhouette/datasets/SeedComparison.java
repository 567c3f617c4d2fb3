package dev.softsilhouette.datasets;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The report the framework examples print for model A (cross-entropy) against model B (cross-entropy + soft
 * silhouette) trained with the same seeds: one line per seed, then mean +- sd of held-out accuracy and
 * test-embedding silhouette, and the paired accuracy difference.
 */
public final class SeedComparison {
    /** One trained model: held-out top-1 accuracy, hard silhouette of its test embeddings, seconds per epoch. */
    public record Outcome(double accuracy, double testSilhouette, double secondsPerEpoch) {
    }

    private SeedComparison() {
    }

    public static void printSeed(PrintStream out, long seed, Outcome a, Outcome b) {
        out.printf(Locale.ROOT, "  seed %d: A %.2f%% / %.3f   B %.2f%% / %.3f%n", seed, 100 * a.accuracy(),
                a.testSilhouette(), 100 * b.accuracy(), b.testSilhouette());
    }

    /** The summary over seeds; {@code a.get(i)} and {@code b.get(i)} were trained with the same seed. */
    public static void printSummary(PrintStream out, int testRows, String nameB, List<Outcome> a, List<Outcome> b,
                                    double seconds) {
        int seeds = a.size();
        out.printf(Locale.ROOT, "%nheld-out test set (%d rows), mean +- sd over %d seeds:%n", testRows, seeds);
        out.println("                                 top-1 accuracy     test silhouette   time/epoch");
        row(out, "A cross-entropy", a);
        row(out, "B " + nameB, b);
        int better = 0;
        double[] diff = new double[seeds];
        for (int i = 0; i < seeds; i++) {
            diff[i] = b.get(i).accuracy() - a.get(i).accuracy();
            better += diff[i] > 0 ? 1 : 0;
        }
        out.printf(Locale.ROOT, "%naccuracy of B minus A: %+.2f points (paired, sd %.2f); B better on %d of %d "
                + "seeds%n", 100 * Seeds.mean(diff), 100 * Seeds.sd(diff), better, seeds);
        out.printf(Locale.ROOT, "took %.1f s (%d trainings)%n", seconds, 2 * seeds);
    }

    private static void row(PrintStream out, String name, List<Outcome> outcomes) {
        double[] acc = outcomes.stream().mapToDouble(Outcome::accuracy).toArray();
        double[] sil = outcomes.stream().mapToDouble(Outcome::testSilhouette).toArray();
        double time = outcomes.stream().mapToDouble(Outcome::secondsPerEpoch).average().orElse(0);
        out.printf(Locale.ROOT, "  %-29s  %6.2f%% +- %.2f%%    %.3f +- %.3f    %.0f ms%n", name, 100 * Seeds.mean(acc),
                100 * Seeds.sd(acc), Seeds.mean(sil), Seeds.sd(sil), 1000 * time);
    }
}
