package dev.softsilhouette.fakes;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/** A test double: a high-priority backend that is never available, with a reason and a cause, like a missing GPU. */
public final class UnavailableFakeProvider implements BackendProvider {
    public static final String NAME = "unavailable-fake";
    public static final String REASON = "no fake accelerator on this machine (a test double; nothing to fix)";
    public static final IllegalStateException CAUSE = new IllegalStateException("fakeDeviceOpen returned 100");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Availability probe() {
        return Availability.unavailable(REASON, CAUSE);
    }

    @Override
    public SilhouetteBackend create() {
        throw new AssertionError("create() must never be called on an unavailable backend");
    }
}
