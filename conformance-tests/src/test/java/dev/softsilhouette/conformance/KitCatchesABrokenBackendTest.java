package dev.softsilhouette.conformance;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A conformance kit that cannot fail is worth nothing: run it on {@code broken-fake} (the reference with a 0.3 %
 * error on every other gradient value) and require failures on the gradient comparisons, and only there.
 */
class KitCatchesABrokenBackendTest {

    /** Properties that compare a gradient with the reference's on every try where it is comparable. */
    private static final List<String> MUST_FAIL = List.of("fusedMeanLossAndGradientMatchReference",
            "sumGradientMatchesReference", "noneGradientMatchesReference",
            "hardMinimumGradientMatchesReferenceWhereTheArgminHasAMargin", "rowPermutationPermutesTheGradient",
            "translationLeavesEuclideanFamilyUnchanged");
    /** Properties that never look at a gradient value (losses, scores, rejections). */
    private static final List<String> MUST_PASS = List.of("meanLossMatchesReference", "sumLossMatchesReference",
            "perSampleLossesMatchReference", "scoreMatchesReference", "samplesMatchReference",
            "silhouettesAndLossesStayInRange", "rejectsANegativeLabelWithItsIndex", "rejectsReadOnlyOutputs");

    @Test
    void theKitFailsABackendWhoseGradientIsSlightlyOff() {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(BrokenFakeConformance.class))
                // A failure here is expected: no need to spend time shrinking it.
                .configurationParameter("jqwik.shrinking.default", "OFF")
                .configurationParameter("jqwik.database", "target/jqwik-database-broken-fake")
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        // jqwik prints each (expected) failure's sample; keep them out of the build log.
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            LauncherFactory.create().execute(request, listener);
        } finally {
            System.setOut(out);
        }
        TestExecutionSummary summary = listener.getSummary();

        Set<String> failed = new TreeSet<>();
        for (TestExecutionSummary.Failure f : summary.getFailures()) {
            failed.add(f.getTestIdentifier().getDisplayName());
            assertTrue(f.getException() instanceof AssertionError, f.getTestIdentifier().getDisplayName() + ": "
                    + f.getException());
        }
        assertEquals(51, summary.getTestsFoundCount(), "every property of the kit ran");
        System.out.println("[conformance] broken-fake, as expected, failed " + failed.size() + " of "
                + summary.getTestsFoundCount() + " properties: " + failed);
        for (String name : MUST_FAIL) {
            assertTrue(failed.contains(name), name + " did not catch the broken gradient; failed: " + failed);
        }
        for (String name : MUST_PASS) {
            assertTrue(!failed.contains(name), name + " failed although it never reads a gradient: " + failed);
        }
    }
}
