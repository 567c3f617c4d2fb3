package dev.softsilhouette.conformance.fakes;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/**
 * A backend that is never available, like a GPU backend on a machine without a GPU. Its conformance group must be
 * skipped with this reason, visibly.
 */
public final class UnavailableFakeProvider implements BackendProvider {
    public static final String NAME = "unavailable-fake";
    public static final String REASON = "the fake device is absent (a test double for the conformance kit's skip)";

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
        return Availability.unavailable(REASON, null);
    }

    @Override
    public SilhouetteBackend create() {
        throw new AssertionError("create() must never be called on an unavailable backend");
    }
}
