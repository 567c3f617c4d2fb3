package dev.softsilhouette.fakes;

import dev.softsilhouette.Metric;
import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.DeviceBatch;
import dev.softsilhouette.spi.DeviceResidentBackend;
import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of a GPU backend's SPI surface: it implements {@link DeviceResidentBackend} and records what the API
 * layer hands it (never reading the addresses: there is no GPU). Every s_i is 0.25. Priority -1, so {@code auto}
 * never picks it.
 */
public final class DeviceResidentFakeProvider implements BackendProvider {
    public static final String NAME = "device-fake";
    public static final AtomicInteger CALLS = new AtomicInteger();
    /** The last call's batch (its arrays copied) and arguments. */
    public static volatile Recorded last;

    /** What one call received. */
    public record Recorded(long embeddings, long stream, int rows, int dims, int classCount, int[] labels,
                           int[] sortedRows, int[] classOffsets, Metric metric, double tau, double weight,
                           boolean silhouettesOut, long gradientOut) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -1;
    }

    @Override
    public Availability probe() {
        return Availability.available("a test double of a backend that reads GPU memory");
    }

    @Override
    public SilhouetteBackend create() {
        return new DeviceResidentBackend() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public double silhouettesAndGradient(PreparedBatch batch, Metric metric, double tau, double weight,
                                                 MemorySegment rowWeights, MemorySegment silhouettesOut,
                                                 MemorySegment gradientOut) {
                throw new AssertionError("this double answers GPU-resident calls only");
            }

            @Override
            public double silhouettesAndGradientOnDevice(DeviceBatch batch, Metric metric, double tau,
                                                         double weight, MemorySegment silhouettesOut,
                                                         long gradientOut) {
                CALLS.incrementAndGet();
                last = new Recorded(batch.embeddings(), batch.stream(), batch.rows(), batch.dims(),
                        batch.classCount(), batch.labels().clone(), batch.sortedRows().clone(),
                        batch.classOffsets().clone(), metric, tau, weight, silhouettesOut != null, gradientOut);
                if (silhouettesOut != null) {
                    for (int i = 0; i < batch.rows(); i++) {
                        silhouettesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, 0.25f);
                    }
                }
                return 0.25 * batch.rows();
            }
        };
    }
}
