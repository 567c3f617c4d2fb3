package dev.softsilhouette.cuda.kernels;

import java.util.List;

/**
 * Every kernel source of this module. A backend compiles the ones it uses; the nvcc test compiles all of them.
 * Add a source here when adding a {@code .cu} file (the test fails on a {@code .cu} file that is not listed).
 */
public final class KernelCatalog {
    private KernelCatalog() {
    }

    /** All sources, each with the kernels that must not spill registers. */
    public static List<KernelSource> all() {
        return List.of(
        );
    }
}
