package com.example.toybackend;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/** Registers the toy backend (META-INF/services/dev.softsilhouette.spi.BackendProvider). */
public final class ToyBackendProvider implements BackendProvider {
    public static final String NAME = "toy";

    /** ServiceLoader creates the provider. */
    public ToyBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Below the reference (0): {@code auto} never picks a toy. */
    @Override
    public int priority() {
        return -10;
    }

    /** Plain Java needs nothing; a real backend checks its device, library or JVM flag here and says what to do. */
    @Override
    public Availability probe() {
        return Availability.available("plain Java, float64");
    }

    @Override
    public SilhouetteBackend create() {
        return new ToyBackend(NAME, false);
    }
}
