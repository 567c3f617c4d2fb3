package com.example.toybackend;

import dev.softsilhouette.conformance.AccuracyContract;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** The kit fails the broken toy: its gradients miss a term, and the accuracy properties see it. */
class BrokenToyBackendIsCaughtTest {

    /** The accuracy properties on the broken toy; run below through the launcher, not by Surefire (its name). */
    static class BrokenToyAccuracy implements AccuracyContract {
        @Override
        public String backendName() {
            return BrokenToyBackendProvider.NAME;
        }
    }

    @Test
    void theKitFailsTheBrokenToy() {
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(BrokenToyAccuracy.class))
                .configurationParameter("jqwik.shrinking.default", "OFF")
                .configurationParameter("jqwik.database", "target/jqwik-database-broken")
                .build();
        var listener = new SummaryGeneratingListener();
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // the expected failures' reports
        try {
            LauncherFactory.create().execute(request, listener);
        } finally {
            System.setOut(out);
        }
        Set<String> failed = new TreeSet<>();
        listener.getSummary().getFailures().forEach(f -> failed.add(f.getTestIdentifier().getDisplayName()));
        System.out.println("[toy] toy-broken failed " + failed.size() + " of "
                + listener.getSummary().getTestsFoundCount() + " accuracy properties: " + failed);
        assertTrue(failed.contains("fusedMeanLossAndGradientMatchReference"), "failed: " + failed);
        assertTrue(failed.contains("sumGradientMatchesReference"), "failed: " + failed);
        assertTrue(!failed.contains("meanLossMatchesReference"), "the loss is right; failed: " + failed);
    }
}
