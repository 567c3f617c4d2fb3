package dev.softsilhouette.bench.workload;

import dev.softsilhouette.Metric;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FlopCountTest {

    @Test
    void euclideanCountsTheGramMatrixOnceForwardAndTwiceWithTheBackward() {
        // N=4096, D=256: 2*N^2*D = 8 589 934 592
        assertEquals(8_589_934_592.0, FlopCount.of(Metric.EUCLIDEAN, Operation.FORWARD, 4096, 256, 100));
        assertEquals(8_589_934_592.0, FlopCount.of(Metric.EUCLIDEAN, Operation.SCORE, 4096, 256, 100));
        assertEquals(17_179_869_184.0, FlopCount.of(Metric.EUCLIDEAN, Operation.FORWARD_BACKWARD, 4096, 256, 100));
    }

    @Test
    void decomposableMetricsCountSixNKD() {
        assertEquals(6.0 * 4096 * 100 * 256, FlopCount.of(Metric.SQUARED_EUCLIDEAN, Operation.FORWARD_BACKWARD,
                Workload.of(4096, 256, 100)));
        assertEquals(6.0 * 20000 * 10 * 64, FlopCount.of(Metric.COSINE, Operation.SCORE, 20000, 64, 10));
    }

    @Test
    void countsDoNotOverflowAtTheLargeWorkload() {
        assertEquals(4.0 * 65536 * 65536 * 128,
                FlopCount.of(Metric.EUCLIDEAN, Operation.FORWARD_BACKWARD, Workload.of(65536, 128, 100)));
    }

    @Test
    void gflopsIsFlopsOverSecondsOverOneBillion() {
        assertEquals(200.0, FlopCount.gflops(33_554_432.0, 1.6777216e-4), 1e-9);
    }
}
