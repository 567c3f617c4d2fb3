/**
 * The {@code silhouette} command line: score and loss of embedding files, backend diagnostics, and a demo that
 * trains a small embedding network with and without the soft silhouette loss.
 */
module dev.softsilhouette.cli {
    // Options (exported) speaks the API's Metric.
    requires transitive dev.softsilhouette.api;
    // The demo's data sets.
    requires dev.softsilhouette.datasets;
    // Java2D and ImageIO for the demo's PNG (headless).
    requires java.desktop;
    // The library logs through System.Logger, which the JDK backs with java.util.logging: quiet, or --verbose.
    requires java.logging;

    exports dev.softsilhouette.cli;
}
