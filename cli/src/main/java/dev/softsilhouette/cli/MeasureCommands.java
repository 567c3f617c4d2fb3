package dev.softsilhouette.cli;

import dev.softsilhouette.BlockSilhouette;
import dev.softsilhouette.ClassCounts;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.SupConLoss;
import dev.softsilhouette.cli.io.Inputs;
import dev.softsilhouette.cli.io.Json;
import dev.softsilhouette.cli.io.MappedEmbeddings;
import dev.softsilhouette.cli.io.Matrix;
import dev.softsilhouette.cli.io.Outputs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/** {@code silhouette score}, {@code silhouette loss} and {@code silhouette supcon}: one computation on labelled embeddings read from files. */
final class MeasureCommands {
    private static final Set<String> SCORE_OPTIONS =
            Set.of("embeddings", "labels", "metric", "backend", "samples-out", "repeat", "block-rows");
    private static final Set<String> LOSS_OPTIONS =
            Set.of("embeddings", "labels", "metric", "tau", "reduction", "backend", "grad-out", "repeat");
    private static final Set<String> SUPCON_OPTIONS = Set.of("embeddings", "labels", "temperature",
            "base-temperature", "reduction", "backend", "grad-out", "repeat");
    private static final Set<String> FLAGS = Set.of("json");

    private MeasureCommands() {
    }

    /** Embeddings and labels whose counts agree. */
    private record Input(Matrix x, int[] y, int classes) {
        Floats floats() {
            return Floats.of(x.values());
        }

        Ints ints() {
            return Ints.of(y);
        }
    }

    static int score(String[] args, CommandContext ctx) {
        Options o = Options.parse("score", args, 0, SCORE_OPTIONS, FLAGS);
        Metric metric = o.metric();
        int repeats = o.has("repeat") ? o.positiveInt("repeat", 1) : 0;
        Path samplesOut = Outputs.checkedTarget(o.optionalPath("samples-out"), "samples-out");
        if (o.has("block-rows") || largerThanTheHeap(o.requiredPath("embeddings"))) {
            if (repeats > 0) {
                throw new UsageException("score: --repeat times in-memory runs; a streamed score (--block-rows, or "
                        + "an embeddings .npy larger than a quarter of the heap) runs once");
            }
            return streamedScore(o, metric, samplesOut, ctx);
        }
        Input in = load(o);
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(metric).backend(o.backend()).build()) {
            int n = in.x().rows();
            int d = in.x().cols();
            Timing.Timed<Double> timed;
            try (Progress progress = ctx.progress("score", repeats)) {
                timed = Timing.run(() -> loss.score(in.floats(), in.ints(), n, d), repeats, progress);
            } catch (IllegalArgumentException e) {
                // The inputs were checked as they were read; what the score alone refuses is the labelling, which the
                // API names by its argument name ("labels: ...") and the command line by its file.
                throw new UsageException(o.requiredPath("labels") + ": " + withoutArgumentName(e.getMessage()));
            }
            if (samplesOut != null) {
                float[] samples = new float[n];
                loss.samples(in.floats(), in.ints(), n, d, Floats.of(samples));
                Outputs.writeFloats(samplesOut, samples, n, 0);
            }
            double score = timed.result();
            if (o.flag("json")) {
                Json j = new Json().put("score", score).put("metric", metric.externalName())
                        .put("backend", loss.backendName()).put("n", n).put("d", d).put("classes", in.classes())
                        .put("seconds", timed.seconds()).put("repeat", timed.repeats());
                if (samplesOut != null) {
                    j.put("samples_out", samplesOut.toString());
                }
                ctx.out().println(j);
            } else {
                ctx.out().printf(Locale.ROOT, "score     %.6f  (hard silhouette, %s)%n", score, metric.externalName());
                common(ctx, loss.backendName(), n, d, in.classes(), timed);
                if (samplesOut != null) {
                    ctx.out().println("samples   " + samplesOut + "  (" + Outputs.formatName(samplesOut) + ", shape ("
                            + n + ",))");
                }
            }
            return SilhouetteCli.OK;
        }
    }

    /**
     * Whether the embeddings are a {@code .npy} file larger than a quarter of the maximum heap: read into a
     * {@code float[]}, with the workspaces of a whole-batch score, they would not fit; streamed, they need not.
     */
    private static boolean largerThanTheHeap(Path embeddings) {
        String name = String.valueOf(embeddings.getFileName()).toLowerCase(Locale.ROOT);
        try {
            return name.endsWith(".npy") && Files.isRegularFile(embeddings)
                    && Files.size(embeddings) > Runtime.getRuntime().maxMemory() / 4;
        } catch (IOException e) {
            return false; // the reader reports what is wrong with the file
        }
    }

    /** The score block by block on the memory-mapped file ({@link StreamedScore}). */
    private static int streamedScore(Options o, Metric metric, Path samplesOut, CommandContext ctx) {
        Path xFile = o.requiredPath("embeddings");
        Path yFile = o.requiredPath("labels");
        int blockRows = o.positiveInt("block-rows", StreamedScore.defaultBlockRows(metric));
        try (MappedEmbeddings x = MappedEmbeddings.open(xFile);
             BlockSilhouette blocks = BlockSilhouette.builder().metric(metric).backend(o.backend()).build()) {
            int[] y = Inputs.labelsMapped(yFile);
            requireMatchingCounts(xFile, x.rows(), yFile, y.length);
            ClassCounts classes = ClassCounts.of(y);
            try {
                classes.requireScorable();
            } catch (IllegalArgumentException e) {
                throw new UsageException(yFile + ": " + withoutArgumentName(e.getMessage()));
            }
            int threads = Runtime.getRuntime().availableProcessors();
            StreamedScore streamed = new StreamedScore(blocks, x, y, classes, blockRows);
            int n = x.rows();
            int d = x.cols();
            float[] samples = samplesOut == null ? null : new float[n];
            Timing.Timed<StreamedScore.Result> timed;
            try (Progress progress = ctx.progress("score", streamed.units())) {
                timed = Timing.run(() -> streamed.run(threads, progress, samples), 0, progress);
            }
            if (samplesOut != null) {
                Outputs.writeFloats(samplesOut, samples, n, 0);
            }
            StreamedScore.Result result = timed.result();
            if (o.flag("json")) {
                Json j = new Json().put("score", result.score()).put("metric", metric.externalName())
                        .put("backend", blocks.backendName()).put("n", n).put("d", d)
                        .put("classes", classes.classCount()).put("seconds", timed.seconds()).put("repeat", 0)
                        .put("streamed", true).put("blocks", result.blocks()).put("block_rows", result.blockRows())
                        .put("threads", result.threads());
                if (samplesOut != null) {
                    j.put("samples_out", samplesOut.toString());
                }
                ctx.out().println(j);
            } else {
                ctx.out().printf(Locale.ROOT, "score     %.6f  (hard silhouette, %s)%n", result.score(),
                        metric.externalName());
                common(ctx, blocks.backendName(), n, d, classes.classCount(), timed);
                ctx.out().println("blocks    " + streamed.describe(result.threads()));
                if (samplesOut != null) {
                    ctx.out().println("samples   " + samplesOut + "  (" + Outputs.formatName(samplesOut) + ", shape ("
                            + n + ",))");
                }
            }
        }
        return SilhouetteCli.OK;
    }

    /** "labels: the number ..." without the API's argument name, for a message that names the file instead. */
    private static String withoutArgumentName(String message) {
        return message.startsWith("labels: ") ? message.substring(8) : message;
    }

    private static void requireMatchingCounts(Path xFile, int rows, Path yFile, int labels) {
        if (labels != rows) {
            throw new UsageException(yFile + " holds " + labels + " labels but " + xFile + " holds " + rows
                    + " rows; they must match");
        }
    }

    static int loss(String[] args, CommandContext ctx) {
        Options o = Options.parse("loss", args, 0, LOSS_OPTIONS, FLAGS);
        Metric metric = o.metric();
        double tau = o.nonNegative("tau", SoftSilhouetteLoss.DEFAULT_TEMPERATURE);
        String reductionName = reductionName(o, "loss");
        Reduction reduction = Reduction.parse(reductionName);
        int repeats = o.has("repeat") ? o.positiveInt("repeat", 1) : 0;
        Path gradOut = Outputs.checkedTarget(o.optionalPath("grad-out"), "grad-out");
        Input in = load(o);
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(metric).temperature(tau).reduction(reduction)
                .backend(o.backend()).build()) {
            int n = in.x().rows();
            int d = in.x().cols();
            Timing.Timed<Double> timed = timeLoss(ctx, "loss", repeats, gradOut, n, d,
                    () -> loss.forward(in.floats(), in.ints(), n, d),
                    gradient -> loss.forwardBackward(in.floats(), in.ints(), n, d, gradient));
            double value = timed.result();
            String what = gradOut == null ? "loss" : "loss and gradient";
            if (o.flag("json")) {
                Json j = new Json().put("loss", value).put("metric", metric.externalName()).put("tau", tau)
                        .put("reduction", reductionName).put("backend", loss.backendName()).put("n", n).put("d", d)
                        .put("classes", in.classes()).put("seconds", timed.seconds()).put("repeat", timed.repeats())
                        .put("timed", what);
                if (gradOut != null) {
                    j.put("grad_out", gradOut.toString());
                }
                ctx.out().println(j);
            } else {
                ctx.out().printf(Locale.ROOT, "loss      %.6f  (soft silhouette, %s, tau %s, %s)%n", value,
                        metric.externalName(), tau, reductionName);
                common(ctx, loss.backendName(), n, d, in.classes(), timed);
                if (gradOut != null) {
                    ctx.out().println("gradient  " + gradOut + "  (dL/dX, " + Outputs.formatName(gradOut)
                            + ", shape (" + n + ", " + d + "))");
                }
            }
            return SilhouetteCli.OK;
        }
    }

    /** {@code mean} or {@code sum}, lower case. */
    private static String reductionName(Options o, String command) {
        String name = o.string("reduction", "mean").strip().toLowerCase(Locale.ROOT);
        if (!name.equals("mean") && !name.equals("sum")) {
            throw new UsageException(command + ": --reduction must be mean or sum, got '" + o.string("reduction", "")
                    + "'");
        }
        return name;
    }

    static int supCon(String[] args, CommandContext ctx) {
        Options o = Options.parse("supcon", args, 0, SUPCON_OPTIONS, FLAGS);
        double temperature = o.positive("temperature", SupConLoss.DEFAULT_TEMPERATURE);
        double baseTemperature = o.positive("base-temperature", SupConLoss.DEFAULT_BASE_TEMPERATURE);
        String reductionName = reductionName(o, "supcon");
        int repeats = o.has("repeat") ? o.positiveInt("repeat", 1) : 0;
        Path gradOut = Outputs.checkedTarget(o.optionalPath("grad-out"), "grad-out");
        Input in = load(o);
        try (SupConLoss loss = SupConLoss.builder().temperature(temperature).baseTemperature(baseTemperature)
                .reduction(Reduction.parse(reductionName)).backend(o.backend()).build()) {
            int n = in.x().rows();
            int d = in.x().cols();
            Timing.Timed<Double> timed = timeLoss(ctx, "supcon", repeats, gradOut, n, d,
                    () -> loss.forward(in.floats(), in.ints(), n, d),
                    gradient -> loss.forwardBackward(in.floats(), in.ints(), n, d, gradient));
            double value = timed.result();
            if (o.flag("json")) {
                Json j = new Json().put("loss", value).put("temperature", temperature)
                        .put("base_temperature", baseTemperature).put("reduction", reductionName)
                        .put("backend", loss.backendName()).put("n", n).put("d", d).put("classes", in.classes())
                        .put("seconds", timed.seconds()).put("repeat", timed.repeats())
                        .put("timed", gradOut == null ? "loss" : "loss and gradient");
                if (gradOut != null) {
                    j.put("grad_out", gradOut.toString());
                }
                ctx.out().println(j);
            } else {
                ctx.out().printf(Locale.ROOT, "loss      %.6f  (SupCon, temperature %s, base temperature %s, %s)%n",
                        value, temperature, baseTemperature, reductionName);
                common(ctx, loss.backendName(), n, d, in.classes(), timed);
                if (gradOut != null) {
                    ctx.out().println("gradient  " + gradOut + "  (dL/dX, " + Outputs.formatName(gradOut) + ", shape ("
                            + n + ", " + d + "))");
                }
            }
            return SilhouetteCli.OK;
        }
    }

    /**
     * Times one loss the way {@code loss} and {@code supcon} both do: the forward alone, or, when a gradient file is
     * asked for, the fused forward and backward, whose gradient is then written to that file.
     */
    private static Timing.Timed<Double> timeLoss(CommandContext ctx, String command, int repeats, Path gradOut, int n,
                                                 int d, DoubleSupplier forward,
                                                 ToDoubleFunction<Floats> forwardBackward) {
        float[] gradient = gradOut == null ? null : new float[n * d];
        Timing.Timed<Double> timed;
        try (Progress progress = ctx.progress(command, repeats)) {
            timed = Timing.run(() -> gradient == null ? forward.getAsDouble()
                    : forwardBackward.applyAsDouble(Floats.of(gradient)), repeats, progress);
        }
        if (gradOut != null) {
            Outputs.writeFloats(gradOut, gradient, n, d);
        }
        return timed;
    }

    private static void common(CommandContext ctx, String backend, int n, int d, int classes, Timing.Timed<?> t) {
        ctx.out().println("backend   " + backend);
        ctx.out().println("data      " + n + (n == 1 ? " row x " : " rows x ") + d + (d == 1 ? " dim, " : " dims, ")
                + classes + (classes == 1 ? " class" : " classes"));
        ctx.out().printf(Locale.ROOT, "seconds   %.6f  (%s)%n", t.seconds(),
                t.repeats() == 0 ? "one cold run, includes JIT warm-up"
                        : "median of " + t.repeats() + " run" + (t.repeats() > 1 ? "s" : "") + " after one warm-up");
    }

    private static Input load(Options o) {
        Path xFile = o.requiredPath("embeddings");
        Path yFile = o.requiredPath("labels");
        Matrix x = Inputs.embeddings(xFile);
        int[] y = Inputs.labels(yFile);
        requireMatchingCounts(xFile, x.rows(), yFile, y.length);
        int[] sorted = y.clone();
        Arrays.sort(sorted);
        int classes = 1;
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] != sorted[i - 1]) {
                classes++;
            }
        }
        return new Input(x, y, classes);
    }
}
