package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ServiceLoader;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceSelfCheckTest {

    private static SilhouetteBackend reference() {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("reference")) {
                return p.create();
            }
        }
        throw new AssertionError("reference backend not found");
    }

    /** The reference, with one thing wrong: a bias on the sum, or a gradient element off, for one metric. */
    private record Broken(SilhouetteBackend inner, Metric metric, double sumBias, float gradientBias)
            implements SilhouetteBackend {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public double silhouettesAndGradient(PreparedBatch batch, Metric m, double tau, double weight,
                                             MemorySegment rowWeights, MemorySegment silhouettesOut,
                                             MemorySegment gradientOut) {
            double sum = inner.silhouettesAndGradient(batch, m, tau, weight, rowWeights, silhouettesOut, gradientOut);
            if (m != metric) {
                return sum;
            }
            if (gradientOut != null) {
                gradientOut.setAtIndex(JAVA_FLOAT, 4, gradientOut.getAtIndex(JAVA_FLOAT, 4) + gradientBias);
            }
            return sum + sumBias;
        }
    }

    @Test
    void aCorrectBackendPassesAndAWrongOneIsNamed() {
        try (SilhouetteBackend ref = reference()) {
            assertDoesNotThrow(() -> ReferenceSelfCheck.run(ref));
            IllegalStateException loss = assertThrows(IllegalStateException.class,
                    () -> ReferenceSelfCheck.run(new Broken(ref, Metric.COSINE, 1e-3, 0f)));
            assertTrue(loss.getMessage().startsWith("COSINE tau=0.0: sum of silhouettes"), loss.getMessage());
            IllegalStateException gradient = assertThrows(IllegalStateException.class,
                    () -> ReferenceSelfCheck.run(new Broken(ref, Metric.SQUARED_EUCLIDEAN, 0.0, 0.01f)));
            assertTrue(gradient.getMessage().startsWith("SQUARED_EUCLIDEAN tau=0.0: gradient off by"),
                    gradient.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> ReferenceSelfCheck.run(new Broken(ref, Metric.EUCLIDEAN, Double.NaN, 0f)),
                    "a NaN is a miss");
        }
    }
}
