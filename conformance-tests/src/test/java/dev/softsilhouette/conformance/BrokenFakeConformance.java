package dev.softsilhouette.conformance;

import dev.softsilhouette.conformance.fakes.BrokenFakeProvider;

/**
 * The kit on a deliberately broken backend. Not picked up by Surefire (its name matches no include pattern):
 * {@link KitCatchesABrokenBackendTest} runs it and requires it to fail where it should.
 */
class BrokenFakeConformance implements SoftSilhouetteContract {
    @Override
    public String backendName() {
        return BrokenFakeProvider.NAME;
    }
}
