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

    /**
     * Never run by the JUnit Platform (it carries no annotation). A runner that does call it is not the JUnit Platform:
     * Surefire 2.x (Maven 3.8's default 2.12.4) runs public {@code test*} methods of plain classes and would
     * otherwise report the kit as passed with none of its properties run. This makes that run fail and name the fix.
     */
    default void testRunsOnTheJUnitPlatform() {
        throw new AssertionError("the conformance kit for '" + backendName() + "' was run by a runner that is not the "
                + "JUnit Platform, so none of its properties ran. Use maven-surefire-plugin 3.x (3.5.4 or newer): "
                + "<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId>"
                + "<version>3.5.4</version></plugin> (docs/conformance.md, \"Running it for your own backend\")");
    }

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
