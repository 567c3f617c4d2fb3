package dev.softsilhouette.conformance;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * A conformance kit that cannot fail is worth nothing. Run it on deliberately broken backends: {@code broken-fake}
 * (the reference with a 0.3 % error on every other gradient value) must fail the gradient comparisons, and only
 * those; each defective backend of {@link dev.softsilhouette.conformance.fakes.DefectiveProvider} (a flipped sign, a
 * dropped pair term, a wrong temperature, the own-class mean over n_c) must fail at least one accuracy property, and
 * each defective block operation (a one-way Euclidean tile, statistics off the shift) the block decomposition's.
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
            "silhouettesAndLossesStayInRange", "rejectsANegativeLabelWithItsIndex", "rejectsReadOnlyOutputs",
            "blockwiseEqualsWholeBatch");

    /** Runs the properties of one conformance class; returns the names of those that failed. */
    private static Set<String> failedProperties(Class<?> conformance, int expectedProperties) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(conformance))
                // A failure here is expected: no need to spend time shrinking it.
                .configurationParameter("jqwik.shrinking.default", "OFF")
                .configurationParameter("jqwik.database", "target/jqwik-database-broken")
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
        assertEquals(expectedProperties, summary.getTestsFoundCount(), "every property of " + conformance + " ran");
        assertEquals(0, summary.getTestsSkippedCount() + summary.getTestsAbortedCount(), "nothing was skipped");
        System.out.println("[conformance] " + conformance.getSimpleName() + ", as expected, failed " + failed.size()
                + " of " + summary.getTestsFoundCount() + " properties: " + failed);
        return failed;
    }

    @Test
    void theKitFailsABackendWhoseGradientIsSlightlyOff() {
        Set<String> failed = failedProperties(BrokenFakeConformance.class, 54);
        for (String name : MUST_FAIL) {
            assertTrue(failed.contains(name), name + " did not catch the broken gradient; failed: " + failed);
        }
        for (String name : MUST_PASS) {
            assertFalse(failed.contains(name), name + " failed although it never reads a gradient: " + failed);
        }
    }

    @TestFactory
    List<DynamicTest> theAccuracyPropertiesCatchEachCommonMistake() {
        return List.of(DefectiveConformance.FlippedGradientSign.class, DefectiveConformance.DroppedPairTerm.class,
                        DefectiveConformance.WrongTemperature.class, DefectiveConformance.OwnMeanOverClassSize.class)
                .stream().map(c -> DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                    Set<String> failed = failedProperties(c, 9);
                    assertFalse(failed.isEmpty(), c.getSimpleName() + " passed every accuracy property");
                })).toList();
    }

    @TestFactory
    List<DynamicTest> theBlockPropertiesCatchADefectiveBlockOperation() {
        return List.of(DefectiveConformance.OneWayTile.class, DefectiveConformance.UnshiftedSquaredNorms.class)
                .stream().map(c -> DynamicTest.dynamicTest(c.getSimpleName(), () -> {
                    Set<String> failed = failedProperties(c, 2);
                    assertTrue(failed.contains("blockwiseEqualsWholeBatch"),
                            c.getSimpleName() + " passed blockwiseEqualsWholeBatch; failed: " + failed);
                })).toList();
    }
}
