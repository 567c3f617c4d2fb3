package dev.softsilhouette.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL loss on float64 embeddings: its autograd gradient against central finite differences of its value. */
class FiniteDifferenceTest {
    private static final double STEP = 1e-5;

    static Stream<Arguments> configurations() {
        Stream.Builder<Arguments> all = Stream.builder();
        for (Metric metric : Metric.values()) {
            for (double tau : new double[] {0.0, 0.1}) {
                for (Reduction reduction : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
                    all.add(Arguments.of(metric, tau, reduction));
                }
            }
        }
        return all.build();
    }

    @ParameterizedTest(name = "{0} tau={1} {2}")
    @MethodSource("configurations")
    void autogradMatchesCentralDifferences(Metric metric, double tau, Reduction reduction) {
        Batches.Batch b = Batches.Batch.random(4242, 9, 4, 3);
        double[] x = b.xAsDoubles();
        Shape shape = new Shape(b.n(), b.d());
        try (SoftSilhouetteLoss api = SoftSilhouetteLoss.builder().metric(metric).temperature(tau)
                     .reduction(reduction).build();
             NDManager manager = NDManager.newBaseManager()) {
            SoftSilhouetteDjlLoss loss = new SoftSilhouetteDjlLoss("s", api, 0.75);
            NDArray labels = Batches.labels(manager, b);
            NDArray embeddings = manager.create(x, shape);
            double[] gradient = Batches.Autograd.of(manager, loss, embeddings, labels).gradient().toDoubleArray();
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < x.length; i++) {
                double[] plus = x.clone();
                double[] minus = x.clone();
                plus[i] += STEP;
                minus[i] -= STEP;
                double fd = (value(loss, manager, plus, shape, labels) - value(loss, manager, minus, shape, labels))
                        / (2 * STEP);
                diff += (fd - gradient[i]) * (fd - gradient[i]);
                norm += gradient[i] * gradient[i];
            }
            double error = Math.sqrt(diff);
            assertTrue(norm > 0, "a nonzero gradient");
            assertTrue(error <= 1e-6 * Math.sqrt(norm), "||G_fd - G|| = " + error + ", ||G|| = " + Math.sqrt(norm));
        }
    }

    private static double value(SoftSilhouetteDjlLoss loss, NDManager manager, double[] x, Shape shape,
                                NDArray labels) {
        return loss.evaluate(new NDList(labels), new NDList(manager.create(x, shape))).getDouble();
    }
}
