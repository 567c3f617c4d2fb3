package com.example.toybackend;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

/** The toy with a classic bug, to show the kit failing it: each pair distance's gradient forgets the term of s_j. */
public final class BrokenToyBackendProvider implements BackendProvider {
    public static final String NAME = "toy-broken";

    /** ServiceLoader creates the provider. */
    public BrokenToyBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -11;
    }

    @Override
    public Availability probe() {
        return Availability.available("the toy without the symmetric pair term (deliberately broken)");
    }

    @Override
    public SilhouetteBackend create() {
        return new ToyBackend(NAME, true);
    }
}
