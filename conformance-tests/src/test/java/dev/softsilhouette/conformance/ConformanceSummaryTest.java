package dev.softsilhouette.conformance;

import dev.softsilhouette.conformance.fakes.UnavailableFakeProvider;
import net.jqwik.api.ForAll;
import net.jqwik.api.Group;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The kit's summary line counts what Surefire's total drops: the properties skipped for an unavailable backend while
 * the same properties pass for another one. The listener is found by the launcher itself (ServiceLoader).
 */
class ConformanceSummaryTest {

    interface TwoProperties extends BackendUnderTest {
        @Property(tries = 3)
        default void first(@ForAll int x) {
        }

        @Property(tries = 3)
        default void second(@ForAll int x) {
        }
    }

    /** Run below through the launcher; Surefire does not pick it up (no matching name). */
    static class Probe {
        @Group
        class Reference implements TwoProperties {
            @Override
            public String backendName() {
                return "reference";
            }
        }

        @Group
        class Unavailable implements TwoProperties {
            @Override
            public String backendName() {
                return UnavailableFakeProvider.NAME;
            }
        }
    }

    @Test
    void theSummaryCountsSkippedPropertiesNextToPassedOnes() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(Probe.class)).build(), new SummaryGeneratingListener());
        } finally {
            System.setOut(out);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("[conformance] 4 properties: 2 passed, 0 failed, 2 skipped "
                + "(ConformanceSummaryTest$Probe$Reference: 2 passed, 0 failed, 0 skipped; "
                + "ConformanceSummaryTest$Probe$Unavailable: 0 passed, 0 failed, 2 skipped)"), printed);
    }
}
