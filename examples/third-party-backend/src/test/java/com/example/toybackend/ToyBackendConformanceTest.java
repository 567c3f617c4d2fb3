package com.example.toybackend;

import dev.softsilhouette.conformance.SoftSilhouetteContract;

/**
 * The whole conformance kit on the toy backend: every property against the float64 reference. Public, so that a
 * Surefire too old for the JUnit Platform runs the kit's {@code testRunsOnTheJUnitPlatform} and fails, naming the fix.
 */
public class ToyBackendConformanceTest implements SoftSilhouetteContract {
    @Override
    public String backendName() {
        return ToyBackendProvider.NAME;
    }
}
