package dev.softsilhouette.reference;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/** The float64 oracle: always available, lowest priority. */
public final class ReferenceBackendProvider implements BackendProvider {
    public static final String NAME = "reference";
    public static final int PRIORITY = 0;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Availability probe() {
        return Availability.available("float64, single thread, O(N^2 D) for every metric");
    }

    @Override
    public SilhouetteBackend create() {
        return new ReferenceBackend();
    }
}
