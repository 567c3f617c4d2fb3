package dev.softsilhouette.fakes;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/** A test double whose probe breaks its contract by throwing: the registry must turn that into "unavailable". */
public final class ThrowingProbeFakeProvider implements BackendProvider {
    public static final String NAME = "throwing-fake";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 500;
    }

    @Override
    public Availability probe() {
        throw new UnsupportedOperationException("probe exploded");
    }

    @Override
    public SilhouetteBackend create() {
        throw new AssertionError("create() must never be called on an unavailable backend");
    }
}
