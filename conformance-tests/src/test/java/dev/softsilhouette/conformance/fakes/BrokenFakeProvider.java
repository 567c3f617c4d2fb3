package dev.softsilhouette.conformance.fakes;

import dev.softsilhouette.Backends;
import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A deliberately broken backend: the reference, except that every other gradient value is 0.3 % too large (a
 * plausible float32 bug, e.g. a wrong scale on one SIMD lane). The kit must fail it on exactly the properties that
 * compare gradients; see {@code KitCatchesABrokenBackendTest}.
 */
public final class BrokenFakeProvider implements BackendProvider {
    public static final String NAME = "broken-fake";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -2;
    }

    @Override
    public Availability probe() {
        return Availability.available("the reference with a 0.3 % gradient error on even indices (test double)");
    }

    @Override
    public SilhouetteBackend create() {
        SilhouetteBackend reference = Backends.backend("reference");
        return new SilhouetteBackend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public double silhouettes(PreparedBatch batch, Metric metric, double tau, MemorySegment out) {
                return reference.silhouettes(batch, metric, tau, out);
            }

            @Override
            public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                                 MemorySegment rowWeights, MemorySegment out, MemorySegment gradient) {
                double sum = reference.silhouettesAndGradient(batch, metric, tau, weight, rowWeights, out, gradient);
                long count = (long) batch.rows() * batch.dims();
                for (long i = 0; i < count; i += 2) {
                    float g = gradient.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
                    gradient.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, g * 1.003f);
                }
                return sum;
            }
        };
    }
}
