/** The conformance kit: jqwik contract interfaces that any backend runs against the float64 reference. */
module dev.softsilhouette.conformance {
    requires transitive dev.softsilhouette.api;
    requires transitive net.jqwik.api;
    requires transitive org.junit.jupiter.api;

    exports dev.softsilhouette.conformance;
}
