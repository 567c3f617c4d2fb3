/** The conformance kit: jqwik contract interfaces that any backend runs against the float64 reference. */
module dev.softsilhouette.conformance {
    requires transitive dev.softsilhouette.api;
    requires transitive net.jqwik.api;
    requires transitive org.junit.jupiter.api;
    // ConformanceSummary, a public launcher listener, exposes their types.
    requires transitive org.junit.platform.engine;
    requires transitive org.junit.platform.launcher;

    exports dev.softsilhouette.conformance;

    // Prints the kit's own count of passed, failed and skipped properties at the end of a run.
    provides org.junit.platform.launcher.TestExecutionListener with dev.softsilhouette.conformance.ConformanceSummary;
}
