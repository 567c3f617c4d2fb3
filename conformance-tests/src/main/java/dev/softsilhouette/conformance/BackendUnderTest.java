package dev.softsilhouette.conformance;

import dev.softsilhouette.Metric;
import dev.softsilhouette.Reduction;
import dev.softsilhouette.SoftSilhouetteLoss;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The one thing a conformance class says: which backend it tests. Every property compares that backend with the
 * float64 {@code reference} backend (SPEC section 8) or checks a law of the function on it. An unavailable backend
 * is skipped with its reason ({@link SkipUnavailableBackend}); a missing one fails. Seeds are fixed unless the
 * build explores ({@link ReproducibleSeeds}).
 */
@AddLifecycleHook(SkipUnavailableBackend.class)
@AddLifecycleHook(ReproducibleSeeds.class)
public interface BackendUnderTest {

    /** The name of the backend under test, as {@code silhouette.backend} would name it. */
    String backendName();

    /** A loss on the backend under test. */
    default SoftSilhouetteLoss loss(Metric metric, double tau, Reduction reduction) {
        return SoftSilhouetteLoss.builder().backend(backendName()).metric(metric).temperature(tau)
                .reduction(reduction).build();
    }

    /** The same loss on the float64 reference backend, the oracle. */
    default SoftSilhouetteLoss referenceLoss(Metric metric, double tau, Reduction reduction) {
        return SoftSilhouetteLoss.builder().backend("reference").metric(metric).temperature(tau)
                .reduction(reduction).build();
    }

    default SoftSilhouetteLoss loss(Problem p, Reduction reduction) {
        return loss(p.metric(), p.tau(), reduction);
    }

    default SoftSilhouetteLoss referenceLoss(Problem p, Reduction reduction) {
        return referenceLoss(p.metric(), p.tau(), reduction);
    }
}
