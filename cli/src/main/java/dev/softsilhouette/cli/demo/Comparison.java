package dev.softsilhouette.cli.demo;

import dev.softsilhouette.HybridLoss;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.cli.Progress;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Seeds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code silhouette demo --compare}: the hybrid recipe's four arms on one data set, every arm from the same
 * initialisation and batch order per seed: cross-entropy (CE), CE + SupCon, CE + soft silhouette (COSINE), and CE +
 * the hybrid objective (SupCon + soft silhouette in one call). Differences are judged per seed against CE and, for the
 * hybrid, against CE + SupCon: paired over seeds, with a 95% paired t interval and a two-sided sign test.
 */
final class Comparison {
    /** The fewest seeds for which a difference is judged at all. */
    static final int MIN_SEEDS_TO_JUDGE = 5;

    /** One arm of the comparison. */
    enum Arm {
        CE("CE"),
        CE_SUPCON("CE + SupCon"),
        CE_SILHOUETTE("CE + silhouette"),
        CE_SUPCON_SILHOUETTE("CE + SupCon + silhouette");

        final String label;

        Arm(String label) {
            this.label = label;
        }
    }

    /** The weights and temperatures of the auxiliary terms. */
    record Settings(double supConWeight, double supConTemperature, double silhouetteWeight, double silhouetteTau,
                    String backend) {
    }

    /** Every arm's runs, seed by seed. */
    record Results(Dataset data, Settings settings, List<List<DemoTrainer.Run>> runs, String backend,
                   double wallSeconds) {
        List<DemoTrainer.Run> of(Arm arm) {
            return runs.get(arm.ordinal());
        }

        double[] accuracies(Arm arm) {
            return of(arm).stream().mapToDouble(DemoTrainer.Run::finalAccuracy).toArray();
        }

        double[] scores(Arm arm) {
            return of(arm).stream().mapToDouble(DemoTrainer.Run::testScore).toArray();
        }

        double[] secondsPerEpoch(Arm arm) {
            return of(arm).stream().mapToDouble(DemoTrainer.Run::secondsPerEpoch).toArray();
        }
    }

    private Comparison() {
    }

    static Results run(Dataset data, DemoTrainer.Config config, int seeds, Settings s, Progress progress) {
        try (SoftSilhouetteLoss cosine = SoftSilhouetteLoss.builder().metric(Metric.COSINE)
                .temperature(s.silhouetteTau()).backend(s.backend()).build();
             SupConLoss supCon = SupConLoss.builder().temperature(s.supConTemperature()).backend(s.backend()).build();
             HybridLoss hybrid = HybridLoss.builder().supConWeight(s.supConWeight())
                     .silhouetteWeight(s.silhouetteWeight()).temperature(s.supConTemperature())
                     .silhouetteTemperature(s.silhouetteTau()).backend(s.backend()).build()) {
            return run(data, config, seeds, s, progress, cosine, supCon, hybrid);
        }
    }

    private static Results run(Dataset data, DemoTrainer.Config config, int seeds, Settings s, Progress progress,
                               SoftSilhouetteLoss cosine, SupConLoss supCon, HybridLoss hybrid) {
        warmUp(data, config, supCon, cosine, hybrid);
        List<List<DemoTrainer.Run>> runs = new ArrayList<>();
        for (Arm ignored : Arm.values()) {
            runs.add(new ArrayList<>());
        }
        Arm[] arms = Arm.values();
        long start = System.nanoTime();
        for (int seed = 1; seed <= seeds; seed++) {
            for (Arm arm : arms) {
                long done = ((long) (seed - 1) * arms.length + arm.ordinal()) * config.epochs();
                String note = "seed " + seed + "/" + seeds + " " + arm.label;
                DemoTrainer.EpochListener listener = epoch -> progress.update(done + epoch, note);
                DemoTrainer.Run run = switch (arm) {
                    case CE -> DemoTrainer.train(data, config, seed, null, 0f, cosine, listener);
                    case CE_SUPCON -> DemoTrainer.train(data, config, seed, supCon::forwardBackward,
                            (float) s.supConWeight(), cosine, listener);
                    case CE_SILHOUETTE -> DemoTrainer.train(data, config, seed, cosine::forwardBackward,
                            (float) s.silhouetteWeight(), cosine, listener);
                    case CE_SUPCON_SILHOUETTE -> DemoTrainer.train(data, config, seed, hybrid::forwardBackward, 1f,
                            cosine, listener);
                };
                runs.get(arm.ordinal()).add(run);
            }
        }
        return new Results(data, s, runs, hybrid.backendName(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * A few calls of every auxiliary term on a batch-sized random input before anything is timed, so that the first
     * arm to use a kernel does not carry its JIT compilation in its time per epoch.
     */
    private static void warmUp(Dataset data, DemoTrainer.Config config, SupConLoss supCon, SoftSilhouetteLoss cosine,
                               HybridLoss hybrid) {
        int rows = Math.min(config.batchSize(), data.trainRows());
        int dims = config.embeddingDim();
        java.util.SplittableRandom random = new java.util.SplittableRandom(0);
        float[] x = new float[rows * dims];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        int[] y = java.util.Arrays.copyOf(data.trainY(), rows);
        float[] g = new float[rows * dims];
        for (int call = 0; call < 200; call++) {
            supCon.forwardBackward(x, y, dims, g);
            cosine.forwardBackward(x, y, dims, g);
            hybrid.forwardBackward(dev.softsilhouette.Floats.of(x), dev.softsilhouette.Ints.of(y), rows, dims,
                    dev.softsilhouette.Floats.of(g));
        }
    }

    /** Paired differences {@code b - a} over seeds, with a 95% t interval and a two-sided sign test. */
    record Paired(double mean, double sd, double low, double high, int better, int worse, double signTestP,
                  int seeds) {
        static Paired of(double[] a, double[] b) {
            int n = a.length;
            double[] diff = new double[n];
            int better = 0;
            int worse = 0;
            for (int i = 0; i < n; i++) {
                diff[i] = b[i] - a[i];
                better += diff[i] > 0 ? 1 : 0;
                worse += diff[i] < 0 ? 1 : 0;
            }
            double mean = Stats.mean(diff);
            double sd = Stats.sd(diff);
            double half = n < 2 ? Double.NaN : Stats.tQuantile975(n - 1) * sd / Math.sqrt(n);
            return new Paired(mean, sd, mean - half, mean + half, better, worse, Stats.signTest(better, worse), n);
        }

        /** Whether the 95% interval excludes 0, judged only from {@value #MIN_SEEDS_TO_JUDGE} seeds on. */
        boolean beyondSpread() {
            return seeds >= MIN_SEEDS_TO_JUDGE && (low > 0 || high < 0);
        }

        /** One sentence: the difference, its interval, the sign test and the verdict. */
        String sentence(String what, String b, String a, double unit, String unitName, int decimals) {
            String f = "%+." + decimals + "f";
            String head = String.format(Locale.ROOT, "%s, %s minus %s: " + f + "%s (95%% paired t interval " + f
                            + " to " + f + "; better on %d, worse on %d of %d seeds, sign test p = %.3f)", what, b, a,
                    unit * mean, unitName.isEmpty() ? "" : " " + unitName, unit * low, unit * high, better, worse, seeds, signTestP);
            if (seeds < MIN_SEEDS_TO_JUDGE) {
                return head + ": fewer than " + MIN_SEEDS_TO_JUDGE + " seeds, not judged.";
            }
            return head + (beyondSpread() ? ": beyond the seed-to-seed spread." : ": within the seed-to-seed spread.");
        }
    }

    /** The Markdown table and the verdict sentences. */
    static String markdown(Results r, String command) {
        StringBuilder sb = new StringBuilder();
        Dataset data = r.data();
        int seeds = r.of(Arm.CE).size();
        Settings s = r.settings();
        sb.append(String.format(Locale.ROOT, "%s: %d train / %d test rows, seeds 1..%d, backend %s. SupCon weight %s "
                        + "(T %s, T_b 0.07), soft silhouette weight %s (cosine, tau %s); test silhouette = hard "
                        + "cosine silhouette score of the test embeddings; time per epoch includes the auxiliary "
                        + "term.%n%n", data.name(), data.trainRows(), data.testRows(), seeds, r.backend(),
                DemoCommand.trim(s.supConWeight()), s.supConTemperature(), DemoCommand.trim(s.silhouetteWeight()),
                s.silhouetteTau()));
        sb.append("| objective | held-out accuracy (mean ± sd) | test silhouette (mean ± sd) | time per epoch |\n");
        sb.append("|---|---:|---:|---:|\n");
        for (Arm arm : Arm.values()) {
            double[] acc = r.accuracies(arm);
            double[] sc = r.scores(arm);
            sb.append(String.format(Locale.ROOT, "| %s | %.2f%% ± %.2f | %.3f ± %.3f | %.0f ms |%n", arm.label,
                    100 * Stats.mean(acc), 100 * Stats.sd(acc), Stats.mean(sc), Stats.sd(sc),
                    1000 * Stats.mean(r.secondsPerEpoch(arm))));
        }
        sb.append('\n');
        for (String line : verdicts(r)) {
            sb.append("- ").append(line).append('\n');
        }
        if (command != null) {
            sb.append("\nMade by `").append(command).append("` in ")
                    .append(String.format(Locale.ROOT, "%.0f s", r.wallSeconds())).append(".\n");
        }
        return sb.toString();
    }

    static List<String> verdicts(Results r) {
        List<String> out = new ArrayList<>();
        double[] ce = r.accuracies(Arm.CE);
        double[] ceScore = r.scores(Arm.CE);
        for (Arm arm : new Arm[] {Arm.CE_SUPCON, Arm.CE_SILHOUETTE, Arm.CE_SUPCON_SILHOUETTE}) {
            out.add(Paired.of(ce, r.accuracies(arm)).sentence("Accuracy", arm.label, "CE", 100, "points", 2));
        }
        out.add(Paired.of(r.accuracies(Arm.CE_SUPCON), r.accuracies(Arm.CE_SUPCON_SILHOUETTE))
                .sentence("Accuracy", Arm.CE_SUPCON_SILHOUETTE.label, Arm.CE_SUPCON.label, 100, "points", 2));
        for (Arm arm : new Arm[] {Arm.CE_SUPCON, Arm.CE_SILHOUETTE, Arm.CE_SUPCON_SILHOUETTE}) {
            out.add(Paired.of(ceScore, r.scores(arm)).sentence("Test silhouette", arm.label, "CE", 1, "", 3));
        }
        return out;
    }

    /** Student's t quantiles and the sign test (means and standard deviations are {@link Seeds}'). */
    static final class Stats {
        /** t_{0.975, df} for df = 1..30; beyond, the normal 1.96 is within 2%. */
        private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

        private Stats() {
        }

        static double mean(double[] v) {
            return Seeds.mean(v);
        }

        static double sd(double[] v) {
            return Seeds.sd(v);
        }

        static double tQuantile975(int df) {
            return df <= T975.length ? T975[df - 1] : 1.96;
        }

        /** Two-sided exact sign test: ties dropped, P(X <= min) doubled (capped at 1), X ~ Binomial(m, 1/2). */
        static double signTest(int better, int worse) {
            int m = better + worse;
            if (m == 0) {
                return 1.0;
            }
            int k = Math.min(better, worse);
            double p = 0;
            double term = Math.pow(0.5, m); // C(m, 0) / 2^m
            for (int i = 0; i <= k; i++) {
                p += term;
                term = term * (m - i) / (i + 1);
            }
            return Math.min(1.0, 2 * p);
        }
    }
}
