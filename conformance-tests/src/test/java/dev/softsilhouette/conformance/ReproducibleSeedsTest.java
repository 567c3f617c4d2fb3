package dev.softsilhouette.conformance;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The seed policy: by default a property sees the same inputs in every run, even after a failure was recorded in the
 * database; in explore mode it sees fresh ones, ten times as many.
 */
class ReproducibleSeedsTest {
    /** What the probe property saw in its last run. */
    static final List<Long> SEEN = new ArrayList<>();
    /** Whether the probe should fail (to record a failure in the database). */
    static boolean failOnFirst;

    /** Not a test of its own (no matching name): run through the launcher below. */
    @AddLifecycleHook(ReproducibleSeeds.class)
    static class Probe {
        @Property(tries = 7)
        void probe(@ForAll long value) {
            SEEN.add(value);
            if (failOnFirst) {
                throw new AssertionError("recorded failure");
            }
        }
    }

    private static List<Long> run(String database) {
        SEEN.clear();
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Probe.class))
                .configurationParameter("jqwik.database", database)
                .configurationParameter("jqwik.failures.after.default", "SAMPLE_FIRST")
                .configurationParameter("jqwik.reporting.onlyfailures", "true")
                .build();
        LauncherFactory.create().execute(request, new SummaryGeneratingListener());
        return List.copyOf(SEEN);
    }

    @Test
    void fixedSeedsGiveTheSameInputsEvenAfterARecordedFailure() {
        String saved = System.clearProperty(ReproducibleSeeds.EXPLORE_PROPERTY); // this test is about the default
        try {
            fixedSeedRuns();
        } finally {
            if (saved != null) {
                System.setProperty(ReproducibleSeeds.EXPLORE_PROPERTY, saved);
            }
        }
    }

    private static void fixedSeedRuns() {
        String database = "target/jqwik-database-seed-test";
        List<Long> first = run(database);
        assertEquals(7, first.size());
        failOnFirst = true;
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // the expected failure's report
        try {
            run(database); // records a failure and its shrunk sample
        } finally {
            failOnFirst = false;
            System.setOut(out);
        }
        assertEquals(first, run(database), "a fixed-seed run must not replay a recorded failure first");
    }

    @Test
    void exploringDrawsFreshSeedsAndTenTimesTheTries() {
        String saved = System.getProperty(ReproducibleSeeds.EXPLORE_PROPERTY);
        System.setProperty(ReproducibleSeeds.EXPLORE_PROPERTY, "true");
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // the probe's "[explore]" lines
        try {
            List<Long> a = run("target/jqwik-database-explore-test");
            List<Long> b = run("target/jqwik-database-explore-test");
            System.setOut(out);
            assertEquals(7 * ReproducibleSeeds.EXPLORE_TRIES_FACTOR, a.size());
            assertNotEquals(a, b, "two explore runs drew the same inputs");
        } finally {
            System.setOut(out);
            if (saved == null) {
                System.clearProperty(ReproducibleSeeds.EXPLORE_PROPERTY);
            } else {
                System.setProperty(ReproducibleSeeds.EXPLORE_PROPERTY, saved);
            }
        }
    }

    @Test
    void seedsDependOnThePropertyNameOnly() {
        assertEquals(ReproducibleSeeds.fixedSeed("probe"), ReproducibleSeeds.fixedSeed("probe"));
        assertNotEquals(ReproducibleSeeds.fixedSeed("probe"), ReproducibleSeeds.fixedSeed("probe2"));
    }
}
