/**
 * The {@code cpu-vector} backend: Soft Silhouette kernels on the Vector API ({@code jdk.incubator.vector}), on all
 * cores. On the module path the Vector API module is resolved through this module's {@code requires}; on the class
 * path the JVM needs {@code --add-modules jdk.incubator.vector}, and without it the backend reports itself
 * unavailable with that flag in the reason.
 */
module dev.softsilhouette.cpu {
    requires dev.softsilhouette.api;
    requires jdk.incubator.vector;

    provides dev.softsilhouette.spi.BackendProvider
            with dev.softsilhouette.cpu.CpuVectorBackendProvider;
}
