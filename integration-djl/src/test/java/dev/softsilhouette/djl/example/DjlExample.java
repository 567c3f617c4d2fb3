package dev.softsilhouette.djl.example;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.loss.IndexLoss;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.Batchifier;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.datasets.SeedComparison;
import dev.softsilhouette.datasets.SeedComparison.Outcome;
import dev.softsilhouette.datasets.Seeds;
import dev.softsilhouette.djl.LogitsAndEmbeddings;
import dev.softsilhouette.djl.SoftSilhouetteDjlLoss;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The paper's objective in DJL: a block 64 -> 128 (ReLU) -> 32 (embedding) with a linear classifier, outputs
 * {@code (logits, embeddings)} ({@link LogitsAndEmbeddings}), trained by DJL's {@code EasyTrain} with cross-entropy
 * alone (A) and with {@link SoftSilhouetteDjlLoss#withCrossEntropy} (B). Per seed both models start from the same
 * weights and see the same batches. Reports held-out accuracy and the silhouette of the test embeddings over seeds,
 * on the bundled digits and, when Debian's {@code dataset-fashion-mnist} is installed, on Fashion-MNIST.
 *
 * <p>Run it with {@code integration-djl/run-example.sh [--dataset digits|fashion-mnist|all] [--seeds N]
 * [--epochs E] [--lambda L] [--metric M] [--tau T]}.
 */
public final class DjlExample {

    /** Hyper-parameters of one comparison (the digits defaults are those of {@code ./silhouette demo}). */
    public record Config(int epochs, int batchSize, float learningRate, int hidden, int embeddingDim,
                         double lambda, Metric metric, double tau) {
        public static Config defaults(Dataset data) {
            return new Config(data.name().equals("digits") ? 50 : 4, 128, 1e-3f, 128, 32, 1.0, Metric.EUCLIDEAN,
                    0.1);
        }
    }

    private DjlExample() {
    }

    /** Trains one model for {@code c.epochs()} epochs (initial weights and batches drawn from {@code seed}). */
    public static Outcome train(Dataset data, Config c, long seed, boolean withSilhouette) {
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().metric(c.metric()).temperature(c.tau()).build()) {
            Loss loss = withSilhouette ? SoftSilhouetteDjlLoss.withCrossEntropy(api, c.lambda())
                    : new IndexLoss(new SoftmaxCrossEntropyLoss("CrossEntropy"), 0, 0);
            return train(data, c, seed, loss);
        }
    }

    /** Trains with {@code loss} (its predictions are {@code (logits, embeddings)}, its labels the class indices). */
    public static Outcome train(Dataset data, Config c, long seed, Loss loss) {
        Block embedder = new SequentialBlock()
                .add(Linear.builder().setUnits(c.hidden()).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(c.embeddingDim()).build());
        try (Model model = Model.newInstance("soft-silhouette-example")) {
            model.setBlock(LogitsAndEmbeddings.of(embedder, data.classes()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(c.learningRate())).build())
                    .optInitializer(new XavierInitializer(), Parameter.Type.WEIGHT)
                    // The listener that evaluates the loss a second time per batch for its accumulator.
                    .addTrainingListeners(new EvaluatorTrainingListener());
            try (Trainer trainer = model.newTrainer(config)) {
                Engine.getInstance().setRandomSeed((int) seed);
                trainer.initialize(new Shape(c.batchSize(), data.features()));
                Random random = new Random(seed);
                int n = data.trainRows();
                int[] order = Seeds.order(n);
                long start = System.nanoTime();
                for (int epoch = 0; epoch < c.epochs(); epoch++) {
                    Seeds.shuffle(order, random);
                    for (int from = 0; from < n; from += c.batchSize()) {
                        Dataset.Minibatch rows = data.trainBatch(order, from, Math.min(c.batchSize(), n - from));
                        NDManager batchManager = trainer.getManager().newSubManager();
                        try (Batch batch = new Batch(batchManager,
                                new NDList(batchManager.create(rows.x(), new Shape(rows.rows(), data.features()))),
                                new NDList(batchManager.create(rows.y())), rows.rows(), Batchifier.STACK,
                                Batchifier.STACK, from, n)) {
                            EasyTrain.trainBatch(trainer, batch);
                            trainer.step();
                        }
                    }
                }
                double secondsPerEpoch = (System.nanoTime() - start) / 1e9 / Math.max(1, c.epochs());
                return evaluate(trainer, data, secondsPerEpoch);
            }
        }
    }

    /** Accuracy of the logits and the silhouette of the embeddings on the test set. */
    public static Outcome evaluate(Trainer trainer, Dataset data, double secondsPerEpoch) {
        try (NDManager manager = trainer.getManager().newSubManager()) {
            NDArray x = manager.create(data.testX(), new Shape(data.testRows(), data.features()));
            NDList out = trainer.evaluate(new NDList(x));
            int[] predicted = out.get(0).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == data.testY()[i] ? 1 : 0;
            }
            NDArray embeddings = out.get(1);
            int e = Math.toIntExact(embeddings.getShape().get(1));
            try (SoftSilhouetteLoss scorer = SoftSilhouetteLoss.create()) {
                double score = scorer.score(Floats.of(embeddings.toFloatArray()), Ints.of(data.testY()),
                        data.testRows(), e);
                return new Outcome((double) correct / data.testRows(), score, secondsPerEpoch);
            }
        }
    }

    public static void main(String[] args) {
        String dataset = "all";
        Integer seeds = null;
        Integer epochs = null;
        Double lambda = null;
        Metric metric = null;
        Double tau = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = required(args[i], i + 1 < args.length ? args[i + 1] : null);
            switch (args[i]) {
                case "--dataset" -> dataset = value;
                case "--seeds" -> seeds = Integer.parseInt(value);
                case "--epochs" -> epochs = Integer.parseInt(value);
                case "--lambda" -> lambda = Double.parseDouble(value);
                case "--metric" -> metric = Metric.parse(value);
                case "--tau" -> tau = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --dataset "
                        + "digits|fashion-mnist|all --seeds N --epochs E --lambda L --metric M --tau T");
            }
        }
        List<Dataset> sets = new ArrayList<>();
        if (!dataset.equals("fashion-mnist")) {
            sets.add(Datasets.digits());
        }
        if (dataset.equals("fashion-mnist")
                || dataset.equals("all") && Files.isDirectory(Datasets.DEBIAN_FASHION_MNIST)) {
            sets.add(Datasets.fashionMnist(Datasets.DEBIAN_FASHION_MNIST));
        } else if (dataset.equals("all")) {
            System.out.println("(Fashion-MNIST skipped: " + Datasets.DEBIAN_FASHION_MNIST + " is not there; "
                    + "apt-get install dataset-fashion-mnist)");
        }
        for (Dataset data : sets) {
            Config d = Config.defaults(data);
            Config c = new Config(epochs != null ? epochs : d.epochs(), d.batchSize(), d.learningRate(), d.hidden(),
                    d.embeddingDim(), lambda != null ? lambda : d.lambda(), metric != null ? metric : d.metric(),
                    tau != null ? tau : d.tau());
            compare(data, c, seeds != null ? seeds : data.name().equals("digits") ? 5 : 3);
        }
    }

    private static void compare(Dataset data, Config c, int seeds) {
        header(data, c, seeds);
        List<Outcome> a = new ArrayList<>();
        List<Outcome> b = new ArrayList<>();
        long start = System.nanoTime();
        for (long seed = 1; seed <= seeds; seed++) {
            a.add(train(data, c, seed, false));
            b.add(train(data, c, seed, true));
            SeedComparison.printSeed(System.out, seed, a.getLast(), b.getLast());
        }
        SeedComparison.printSummary(System.out, data.testRows(), "+ " + c.lambda() + " x soft silhouette", a, b,
                (System.nanoTime() - start) / 1e9);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void header(Dataset data, Config c, int seeds) {
        System.out.println();
        System.out.println("DJL example: " + data.name() + " - " + data.description());
        System.out.printf(Locale.ROOT, "model     %d -> %d (ReLU) -> %d (embedding) -> %d classes, outputs (logits,"
                        + " embeddings); Adam lr %s, batch %d, %d epochs, seeds 1..%d%n", data.features(),
                c.hidden(), c.embeddingDim(), data.classes(), c.learningRate(), c.batchSize(), c.epochs(), seeds);
        System.out.printf(Locale.ROOT, "losses    A: cross-entropy   B: + %s x SoftSilhouetteDjlLoss (%s, tau %s) "
                + "on the embeddings%n", c.lambda(), c.metric().externalName(), c.tau());
        try (SoftSilhouetteLoss probe = SoftSilhouetteLoss.create()) {
            Engine engine = Engine.getInstance();
            System.out.println("backend   " + probe.backendName() + "; DJL " + Engine.getDjlVersion() + ", "
                    + engine.getEngineName() + " " + engine.getVersion() + " (CPU)");
        }
    }
}
