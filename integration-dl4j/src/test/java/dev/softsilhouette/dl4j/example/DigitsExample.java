package dev.softsilhouette.dl4j.example;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.datasets.Dataset;
import dev.softsilhouette.datasets.Datasets;
import dev.softsilhouette.datasets.SeedComparison;
import dev.softsilhouette.datasets.Seeds;
import dev.softsilhouette.dl4j.LossSoftSilhouette;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The paper's objective in Deeplearning4j, on the bundled digits: a ComputationGraph 64 -> 128 (ReLU) -> 32
 * (embedding) with a softmax cross-entropy head, trained with cross-entropy alone (A) and with a second output, a
 * LossLayer holding {@link LossSoftSilhouette} on the embedding (B). Per seed both models start from the same
 * weights and see the same batches. Reports held-out accuracy and the silhouette of the test embeddings.
 *
 * <p>Run it with {@code integration-dl4j/run-example.sh [--seeds N] [--epochs E] [--lambda L] [--metric M]
 * [--tau T]}.
 */
public final class DigitsExample {

    /** Hyper-parameters of one comparison (the defaults are those of {@code ./silhouette demo}). */
    public record Config(int epochs, int batchSize, double learningRate, int hidden, int embeddingDim,
                         double lambda, Metric metric, double tau) {
        static Config defaults() {
            return new Config(50, 128, 1e-3, 128, 32, 1.0, Metric.EUCLIDEAN, 0.1);
        }
    }

    /** One trained model: held-out accuracy and the hard silhouette of its test embeddings (Euclidean). */
    public record Result(double accuracy, double testSilhouette, double secondsPerEpoch) {
    }

    private DigitsExample() {
    }

    /** The graph: cross-entropy head "classes", and (when {@code silhouette} is not null) the "silhouette" head. */
    public static ComputationGraph network(Config c, int features, int classes, long seed,
                                           LossSoftSilhouette silhouette) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(seed).updater(new Adam(c.learningRate()))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(features).nOut(c.hidden())
                        .activation(Activation.RELU).build(), "in")
                .addLayer("embedding", new DenseLayer.Builder().nIn(c.hidden()).nOut(c.embeddingDim())
                        .activation(Activation.IDENTITY).build(), "hidden")
                .addLayer("classes", new OutputLayer.Builder().lossFunction(LossFunctions.LossFunction.MCXENT)
                        .nIn(c.embeddingDim()).nOut(classes).activation(Activation.SOFTMAX).build(), "embedding");
        if (silhouette == null) {
            graph.setOutputs("classes");
        } else {
            graph.addLayer("silhouette", new LossLayer.Builder().lossFunction(silhouette)
                    .activation(Activation.IDENTITY).build(), "embedding");
            graph.setOutputs("classes", "silhouette");
        }
        ComputationGraph net = new ComputationGraph(graph.build());
        net.init();
        return net;
    }

    /** Trains one model for {@code c.epochs()} epochs (batches drawn with {@code seed}) and evaluates it. */
    public static Result train(Dataset data, Config c, long seed, boolean withSilhouette) {
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().metric(c.metric()).temperature(c.tau()).build()) {
            return train(data, c, seed, withSilhouette ? new LossSoftSilhouette(api, c.lambda()) : null);
        }
    }

    private static Result train(Dataset data, Config c, long seed, LossSoftSilhouette silhouette) {
        boolean withSilhouette = silhouette != null;
        ComputationGraph net = network(c, data.features(), data.classes(), seed, silhouette);
        Random random = new Random(seed);
        int n = data.trainRows();
        int[] order = Seeds.order(n);
        long start = System.nanoTime();
        for (int epoch = 0; epoch < c.epochs(); epoch++) {
            Seeds.shuffle(order, random);
            for (int from = 0; from < n; from += c.batchSize()) {
                Dataset.Minibatch batch = data.trainBatch(order, from, Math.min(c.batchSize(), n - from));
                INDArray features = Nd4j.create(batch.x(), new long[]{batch.rows(), data.features()}, 'c');
                INDArray labels = oneHot(batch.y(), data.classes());
                INDArray[] targets = withSilhouette ? new INDArray[]{labels, labels} : new INDArray[]{labels};
                net.fit(new MultiDataSet(new INDArray[]{features}, targets));
            }
        }
        double secondsPerEpoch = (System.nanoTime() - start) / 1e9 / Math.max(1, c.epochs());
        return evaluate(net, data, secondsPerEpoch);
    }

    /** Accuracy of the "classes" head and the silhouette of the "embedding" activations on the test set. */
    public static Result evaluate(ComputationGraph net, Dataset data, double secondsPerEpoch) {
        INDArray x = Nd4j.create(data.testX(), new long[]{data.testRows(), data.features()}, 'c');
        var activations = net.feedForward(x, false);
        INDArray probabilities = activations.get("classes");
        int[] predicted = probabilities.argMax(1).toIntVector();
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == data.testY()[i] ? 1 : 0;
        }
        INDArray embedding = activations.get("embedding");
        int e = (int) embedding.size(1);
        float[] z = embedding.castTo(DataType.FLOAT).reshape(new long[]{(long) data.testRows() * e}).toFloatVector();
        try (SoftSilhouetteLoss scorer = SoftSilhouetteLoss.create()) {
            double score = scorer.score(Floats.of(z), Ints.of(data.testY()), data.testRows(), e);
            return new Result((double) correct / data.testRows(), score, secondsPerEpoch);
        }
    }

    static INDArray oneHot(int[] y, int classes) {
        float[] v = new float[y.length * classes];
        for (int i = 0; i < y.length; i++) {
            v[i * classes + y[i]] = 1f;
        }
        return Nd4j.create(v, new long[]{y.length, classes}, 'c');
    }

    public static void main(String[] args) {
        Config c = Config.defaults();
        int seeds = 3;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--seeds" -> seeds = Integer.parseInt(required(args[i], value));
                case "--epochs" -> c = new Config(Integer.parseInt(required(args[i], value)), c.batchSize(),
                        c.learningRate(), c.hidden(), c.embeddingDim(), c.lambda(), c.metric(), c.tau());
                case "--lambda" -> c = new Config(c.epochs(), c.batchSize(), c.learningRate(), c.hidden(),
                        c.embeddingDim(), Double.parseDouble(required(args[i], value)), c.metric(), c.tau());
                case "--metric" -> c = new Config(c.epochs(), c.batchSize(), c.learningRate(), c.hidden(),
                        c.embeddingDim(), c.lambda(), Metric.parse(required(args[i], value)), c.tau());
                case "--tau" -> c = new Config(c.epochs(), c.batchSize(), c.learningRate(), c.hidden(),
                        c.embeddingDim(), c.lambda(), c.metric(), Double.parseDouble(required(args[i], value)));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --seeds N --epochs E --lambda L --metric euclidean|sqeuclidean|cosine --tau T");
            }
            i++;
        }
        Dataset data = Datasets.digits();
        PrintTable table = new PrintTable(data, c, seeds);
        table.header();
        List<Result> a = new ArrayList<>();
        List<Result> b = new ArrayList<>();
        long start = System.nanoTime();
        for (long seed = 1; seed <= seeds; seed++) {
            a.add(train(data, c, seed, false));
            b.add(train(data, c, seed, true));
            System.out.printf(Locale.ROOT, "  seed %d: A %.2f%% / %.3f   B %.2f%% / %.3f%n", seed,
                    100 * a.getLast().accuracy(), a.getLast().testSilhouette(), 100 * b.getLast().accuracy(),
                    b.getLast().testSilhouette());
        }
        table.summary(a, b, (System.nanoTime() - start) / 1e9);
    }

    private static String required(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    /** The report, in the layout of {@code ./silhouette demo}. */
    private record PrintTable(Dataset data, Config c, int seeds) {
        void header() {
            System.out.println("DL4J example: " + data.name() + " - " + data.description());
            System.out.printf(Locale.ROOT, "model     ComputationGraph %d -> %d (ReLU) -> %d (embedding) -> %d classes;"
                            + " Adam lr %s, batch %d, %d epochs, seeds 1..%d%n", data.features(), c.hidden(),
                    c.embeddingDim(), data.classes(), c.learningRate(), c.batchSize(), c.epochs(), seeds);
            System.out.printf(Locale.ROOT, "losses    A: cross-entropy   B: + %s x LossSoftSilhouette (%s, tau %s) "
                    + "on the embedding (a second output)%n", c.lambda(), c.metric().externalName(), c.tau());
            try (SoftSilhouetteLoss probe = SoftSilhouetteLoss.create()) {
                System.out.println("backend   " + probe.backendName() + "; ND4J "
                        + Nd4j.getBackend().getClass().getSimpleName());
            }
        }

        void summary(List<Result> a, List<Result> b, double seconds) {
            SeedComparison.printSummary(System.out, data.testRows(), "+ " + c.lambda() + " x soft silhouette",
                    outcomes(a), outcomes(b), seconds);
        }

        private static List<SeedComparison.Outcome> outcomes(List<Result> results) {
            return results.stream().map(r -> new SeedComparison.Outcome(r.accuracy(), r.testSilhouette(),
                    r.secondsPerEpoch())).toList();
        }
    }
}
