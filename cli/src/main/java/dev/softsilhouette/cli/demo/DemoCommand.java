package dev.softsilhouette.cli.demo;

import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.cli.CommandContext;
import dev.softsilhouette.cli.Options;
import dev.softsilhouette.cli.Progress;
import dev.softsilhouette.cli.UsageException;
import dev.softsilhouette.cli.io.Json;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.datasets.Seeds;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code silhouette demo}: the paper's recipe on a real data set. Per seed, two models from the same initialization
 * and batch order: cross-entropy alone, and cross-entropy plus lambda times the soft silhouette loss of each
 * mini-batch's embeddings. Reports held-out accuracy, the hard silhouette score of the test embeddings, time per
 * epoch and the backend; writes a PNG.
 */
public final class DemoCommand {
    private static final Set<String> OPTIONS = Set.of("dataset", "data-dir", "epochs", "seeds", "lambda",
            "batch-size", "learning-rate", "hidden", "embedding-dim", "train-limit", "tau", "metric", "backend",
            "plot", "supcon-weight", "supcon-temperature", "table");

    private DemoCommand() {
    }

    public static int run(String[] args, CommandContext ctx) {
        DemoOptions o = DemoOptions.parse(args);
        Dataset data = switch (o.dataset()) {
            case "digits" -> Datasets.digits();
            case "fashion-mnist" -> fashionMnist(o.dataDir());
            default -> throw new UsageException("demo: --dataset must be digits or fashion-mnist, got '"
                    + o.dataset() + "'");
        };
        if (o.trainLimit() > 0) {
            data = data.limitTrain(o.trainLimit());
        }
        if (o.compare() != null) {
            return compare(data, o, ctx, args);
        }
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(o.metric()).temperature(o.tau())
                .backend(o.backend()).build()) {
            DemoTrainer.Config config = new DemoTrainer.Config(o.epochs(), o.batchSize(), o.learningRate(), o.hidden(),
                    o.embeddingDim(), o.lambda());
            PrintStream out = ctx.out();
            boolean json = o.json();
            String ssName = "cross-entropy + " + trim(o.lambda()) + " x soft silhouette";
            if (!json) {
                out.println("silhouette demo: " + data.name() + " - " + data.description());
                out.printf(Locale.ROOT, "model     %d -> %d (ReLU) -> %d (embedding) -> %d classes; Adam lr %s, "
                                + "batch %d, %d epoch%s, seed%s%n", data.features(), o.hidden(), o.embeddingDim(),
                        data.classes(), trim(o.learningRate()), o.batchSize(), o.epochs(), o.epochs() == 1 ? "" : "s",
                        o.seeds() == 1 ? " 1" : "s 1.." + o.seeds());
                out.printf(Locale.ROOT, "losses    A: cross-entropy   B: %s (%s, tau %s) of each batch's embeddings%n",
                        ssName, o.metric().externalName(), trim(o.tau()));
                out.println("backend   " + loss.backendName());
                out.flush();
            }

            List<DemoTrainer.Run> baseline = new ArrayList<>();
            List<DemoTrainer.Run> withSilhouette = new ArrayList<>();
            long totalEpochs = 2L * o.seeds() * o.epochs();
            long start = System.nanoTime();
            try (Progress progress = ctx.progress("demo", totalEpochs)) {
                for (int seed = 1; seed <= o.seeds(); seed++) {
                    for (boolean ss : new boolean[] {false, true}) {
                        long done = (2L * (seed - 1) + (ss ? 1 : 0)) * o.epochs();
                        String note = "seed " + seed + "/" + o.seeds() + (ss ? " B" : " A");
                        DemoTrainer.Run run = DemoTrainer.train(data, config, seed, ss, loss,
                                epoch -> progress.update(done + epoch, note));
                        (ss ? withSilhouette : baseline).add(run);
                    }
                }
            }
            double wallSeconds = (System.nanoTime() - start) / 1e9;

            Summary a = Summary.of(baseline);
            Summary b = Summary.of(withSilhouette);
            double[] accuracyA = new double[o.seeds()];
            double[] accuracyB = new double[o.seeds()];
            for (int i = 0; i < o.seeds(); i++) {
                accuracyA[i] = baseline.get(i).finalAccuracy();
                accuracyB[i] = withSilhouette.get(i).finalAccuracy();
            }
            // The same paired verdict as demo --compare: a 95% t interval and a sign test, judged from enough seeds.
            Comparison.Paired paired = Comparison.Paired.of(accuracyA, accuracyB);
            String accuracyOutcome = paired.sentence("accuracy", "B", "A", 100, "points", 2);
            String silhouetteOutcome = String.format(Locale.ROOT,
                    "silhouette of the test embeddings %.3f (B) vs %.3f (A): %s", b.score, a.score,
                    b.score > a.score ? "B's classes are more compact and better separated"
                            : "B's embeddings are not better clustered than A's");

            Path plot = o.plot();
            writePlot(plot, data, o, loss, baseline.getFirst(), withSilhouette.getFirst(), ssName);

            if (json) {
                out.println(new Json().put("dataset", data.name()).put("train", data.trainRows())
                        .put("test", data.testRows()).put("backend", loss.backendName())
                        .put("metric", o.metric().externalName()).put("tau", o.tau()).put("lambda", o.lambda())
                        .put("epochs", o.epochs()).put("seeds", o.seeds()).put("batch_size", o.batchSize())
                        .put("cross_entropy", a.toJson()).put("cross_entropy_plus_soft_silhouette", b.toJson())
                        .put("accuracy_difference_mean", paired.mean()).put("accuracy_difference_sd", paired.sd())
                        .put("accuracy_difference_low", paired.low()).put("accuracy_difference_high", paired.high())
                        .put("seeds_better", paired.better()).put("seeds_worse", paired.worse())
                        .put("sign_test_p", paired.signTestP()).put("beyond_spread", paired.beyondSpread())
                        .put("wall_seconds", wallSeconds)
                        .put("plot", plot.toString()));
                return 0;
            }
            out.println();
            out.printf(Locale.ROOT, "held-out test set (%d rows), mean +- sd over %d seed%s:%n", data.testRows(),
                    o.seeds(), o.seeds() == 1 ? "" : "s");
            out.println("                                   top-1 accuracy     test silhouette   time/epoch");
            out.printf(Locale.ROOT, "  A cross-entropy                  %6.2f%% +- %.2f%%   %6.3f +- %.3f    %s%n",
                    100 * a.accuracy, 100 * a.accuracySd, a.score, a.scoreSd, millis(a.secondsPerEpoch));
            out.printf(Locale.ROOT, "  B %-30s %6.2f%% +- %.2f%%   %6.3f +- %.3f    %s (soft silhouette %s)%n",
                    "+ " + trim(o.lambda()) + " x soft silhouette", 100 * b.accuracy, 100 * b.accuracySd, b.score,
                    b.scoreSd, millis(b.secondsPerEpoch), millis(b.silhouetteSecondsPerEpoch));
            out.println();
            out.println("outcome   " + accuracyOutcome);
            out.println("          " + silhouetteOutcome);
            out.printf(Locale.ROOT, "plot      %s%n", plot);
            out.printf(Locale.ROOT, "took      %.1f s (%d trainings)%n", wallSeconds, 2 * o.seeds());
            return 0;
        }
    }

    /** {@code --compare}: the four arms of the hybrid recipe, a Markdown table and a PNG. */
    private static int compare(Dataset data, DemoOptions o, CommandContext ctx, String[] args) {
        CompareOptions c = o.compare();
        DemoTrainer.Config config = new DemoTrainer.Config(o.epochs(), o.batchSize(), o.learningRate(), o.hidden(),
                o.embeddingDim(), o.lambda());
        Comparison.Settings settings = new Comparison.Settings(c.supConWeight(), c.supConTemperature(), o.lambda(),
                o.tau(), o.backend());
        PrintStream out = ctx.out();
        out.println("silhouette demo --compare: " + data.name() + " - " + data.description());
        out.printf(Locale.ROOT, "model     %d -> %d (ReLU) -> %d (embedding) -> %d classes; Adam lr %s, batch %d, "
                        + "%d epochs, seeds 1..%d%n", data.features(), o.hidden(), o.embeddingDim(), data.classes(),
                trim(o.learningRate()), o.batchSize(), o.epochs(), o.seeds());
        out.flush();
        Comparison.Results results;
        int arms = Comparison.Arm.values().length;
        try (Progress progress = ctx.progress("demo --compare", (long) arms * o.seeds() * o.epochs())) {
            results = Comparison.run(data, config, o.seeds(), settings, progress);
        }
        String command = "./silhouette demo " + String.join(" ", args);
        String table = Comparison.markdown(results, command);
        out.println();
        out.print(table);
        try {
            Files.writeString(c.table(), table);
            ComparePlot.write(o.plot(), results, String.format(Locale.ROOT, "%s. Model %d-%d-%d-%d, Adam lr %s, "
                            + "batch %d, %d epochs; SupCon weight %s (T %s), soft silhouette weight %s (cosine, tau %s); "
                            + "backend %s.", data.description(), data.features(), o.hidden(), o.embeddingDim(),
                    data.classes(), trim(o.learningRate()), o.batchSize(), o.epochs(), trim(c.supConWeight()),
                    c.supConTemperature(), trim(o.lambda()), o.tau(), results.backend()));
        } catch (IOException e) {
            throw new UsageException("demo: cannot write " + c.table() + " or " + o.plot() + ": " + e.getMessage());
        }
        out.println();
        out.println("table     " + c.table());
        out.println("plot      " + o.plot());
        return 0;
    }

    private static void writePlot(Path plot, Dataset data, DemoOptions o, SoftSilhouetteLoss loss,
                                  DemoTrainer.Run a, DemoTrainer.Run b, String ssName) {
        String[] names = data.classNames();
        DemoPlot.Panel left = panel("A: cross-entropy", a, data);
        DemoPlot.Panel right = panel("B: " + ssName, b, data);
        DemoPlot.Curve[] curves = {
                new DemoPlot.Curve("training cross-entropy", "mean per batch", a.trainCrossEntropy(),
                        b.trainCrossEntropy(), false),
                new DemoPlot.Curve("soft silhouette loss of training batches", "1 - mean soft s_i",
                        a.trainSilhouetteLoss(), b.trainSilhouetteLoss(), false),
                new DemoPlot.Curve("held-out top-1 accuracy", "accuracy", a.testAccuracy(), b.testAccuracy(), true)};
        String heading = "Soft silhouette demo: " + data.name() + ", test embeddings (PCA) and training curves, seed 1";
        String footer = String.format(Locale.ROOT,
                "%s. Model %d-%d-%d-%d, Adam lr %s, batch %d, %d epoch(s); soft silhouette %s, tau %s, lambda %s; "
                        + "backend %s.", data.description(), data.features(), o.hidden(), o.embeddingDim(),
                data.classes(), trim(o.learningRate()), o.batchSize(), o.epochs(), o.metric().externalName(),
                trim(o.tau()), trim(o.lambda()), loss.backendName());
        try {
            DemoPlot.write(plot, heading, footer, names, left, right, curves, "A: cross-entropy", "B: " + ssName);
        } catch (IOException e) {
            throw new UsageException("demo: cannot write the plot " + plot + ": " + e.getMessage());
        }
    }

    private static DemoPlot.Panel panel(String title, DemoTrainer.Run run, Dataset data) {
        String subtitle = String.format(Locale.ROOT, "test accuracy %.2f%%, test silhouette %.3f (%d points)",
                100 * run.finalAccuracy(), run.testScore(), data.testRows());
        return new DemoPlot.Panel(title, subtitle,
                Pca.project2d(run.testEmbeddings(), data.testRows(), run.embeddingDim()), data.testY());
    }

    private static String millis(double seconds) {
        return seconds >= 1 ? String.format(Locale.ROOT, "%.1f s", seconds)
                : String.format(Locale.ROOT, "%.0f ms", 1000 * seconds);
    }

    static String trim(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%s", v);
    }

    /** Mean and sample standard deviation over seeds of one model's results. */
    private record Summary(double accuracy, double accuracySd, double score, double scoreSd, double secondsPerEpoch,
                           double silhouetteSecondsPerEpoch, double[] accuracies, double[] scores) {
        static Summary of(List<DemoTrainer.Run> runs) {
            double[] acc = runs.stream().mapToDouble(DemoTrainer.Run::finalAccuracy).toArray();
            double[] sc = runs.stream().mapToDouble(DemoTrainer.Run::testScore).toArray();
            double[] t = runs.stream().mapToDouble(DemoTrainer.Run::secondsPerEpoch).toArray();
            double[] ts = runs.stream().mapToDouble(DemoTrainer.Run::silhouetteSecondsPerEpoch).toArray();
            return new Summary(Seeds.mean(acc), Seeds.sd(acc), Seeds.mean(sc), Seeds.sd(sc), Seeds.mean(t),
                    Seeds.mean(ts), acc, sc);
        }

        Json toJson() {
            return new Json().put("accuracy_mean", accuracy).put("accuracy_sd", accuracySd)
                    .put("test_silhouette_mean", score).put("test_silhouette_sd", scoreSd)
                    .put("seconds_per_epoch", secondsPerEpoch)
                    .put("silhouette_seconds_per_epoch", silhouetteSecondsPerEpoch)
                    .put("accuracy_per_seed", java.util.Arrays.stream(accuracies).boxed().toList())
                    .put("test_silhouette_per_seed", java.util.Arrays.stream(scores).boxed().toList());
        }
    }

    /** A problem with the user's Fashion-MNIST files is a usage error of the demo. */
    private static Dataset fashionMnist(Path dir) {
        try {
            return Datasets.fashionMnist(dir);
        } catch (IllegalArgumentException e) {
            throw new UsageException("demo: " + e.getMessage());
        }
    }

    /** The options of {@code --compare}: SupCon's weight and temperature, the Markdown file. */
    record CompareOptions(double supConWeight, double supConTemperature, Path table) {
    }

    /** The demo's options with their per-dataset defaults. */
    record DemoOptions(String dataset, Path dataDir, int epochs, int seeds, double lambda, int batchSize,
                       double learningRate, int hidden, int embeddingDim, int trainLimit, double tau, Metric metric,
                       String backend, Path plot, boolean json, CompareOptions compare) {

        static DemoOptions parse(String[] args) {
            Options o = Options.parse("demo", args, 0, OPTIONS, Set.of("json", "compare"));
            boolean comparing = o.flag("compare");
            if (!comparing && (o.has("supcon-weight") || o.has("supcon-temperature") || o.has("table"))) {
                throw new UsageException("demo: --supcon-weight, --supcon-temperature and --table go with --compare");
            }
            if (comparing && o.flag("json")) {
                throw new UsageException("demo: --compare writes a Markdown table (--table), not --json");
            }
            String dataset = o.string("dataset", "digits").strip().toLowerCase(Locale.ROOT);
            boolean digits = !dataset.equals("fashion-mnist");
            Path dataDir = o.has("data-dir") ? o.path("data-dir") : Datasets.DEBIAN_FASHION_MNIST;
            if (o.has("data-dir") && digits) {
                throw new UsageException("demo: --data-dir is for --dataset fashion-mnist; digits are bundled");
            }
            Path plot = o.has("plot") ? o.path("plot")
                    : Path.of(comparing ? "silhouette-compare.png" : "silhouette-demo.png");
            try {
                DemoPlot.formatOf(plot);
            } catch (IllegalArgumentException e) {
                throw new UsageException("demo: --plot " + plot + ": " + e.getMessage());
            }
            Path parent = plot.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new UsageException("demo: --plot " + plot + ": the directory " + parent + " does not exist");
            }
            return new DemoOptions(dataset, dataDir,
                    o.positiveInt("epochs", digits ? 50 : 4),
                    o.positiveInt("seeds", digits ? 10 : 2),
                    o.nonNegative("lambda", 1.0),
                    o.positiveInt("batch-size", digits ? 128 : 256),
                    o.positive("learning-rate", 1e-3),
                    o.positiveInt("hidden", digits ? 128 : 256),
                    o.positiveInt("embedding-dim", 32),
                    o.has("train-limit") ? o.positiveInt("train-limit", 1) : 0,
                    o.nonNegative("tau", SoftSilhouetteLoss.DEFAULT_TEMPERATURE),
                    o.metric(), o.backend(), plot, o.flag("json"),
                    comparing ? new CompareOptions(o.nonNegative("supcon-weight", 1.0),
                            o.positive("supcon-temperature", SupConLoss.DEFAULT_TEMPERATURE),
                            o.has("table") ? o.path("table") : Path.of("silhouette-compare.md")) : null);
        }
    }
}
