package dev.softsilhouette;

import dev.softsilhouette.spi.PreparedBatch;
import dev.softsilhouette.spi.SupConBackend;

import java.lang.foreign.MemorySegment;

/** A {@link BackendLease} on a backend that implements {@link SupConBackend}: its SupCon calls pass through too. */
final class SupConLease extends BackendLease implements SupConBackend {
    private final SupConBackend backend;

    SupConLease(BackendRegistry.Entry entry, SupConBackend backend, String holder) {
        super(entry, backend, holder);
        this.backend = backend;
    }

    @Override
    public double supConAndGradient(PreparedBatch batch, SupConTemperatures temperatures, double weight,
                                    MemorySegment rowWeights, MemorySegment lossesOut, MemorySegment gradientOut) {
        enter();
        try {
            return backend.supConAndGradient(batch, temperatures, weight, rowWeights, lossesOut, gradientOut);
        } finally {
            exit();
        }
    }

    @Override
    public double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut) {
        enter();
        try {
            return backend.hybridAndGradient(batch, terms, gradientOut);
        } finally {
            exit();
        }
    }
}
