/**
 * The labelled data sets the demo and the framework examples train on: the bundled UCI digits with a fixed
 * stratified split, and Fashion-MNIST read from its IDX files.
 */
module dev.softsilhouette.datasets {
    exports dev.softsilhouette.datasets;
    // The digits resource is read with Class.getResourceAsStream from this module's own package.
    opens dev.softsilhouette.datasets;
}
