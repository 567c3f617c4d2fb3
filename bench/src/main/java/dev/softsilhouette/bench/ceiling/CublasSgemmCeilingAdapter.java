package dev.softsilhouette.bench.ceiling;

import dev.softsilhouette.cuda.CublasSgemmCeiling;

/**
 * The GPU ceiling ({@code cublas-sgemm}): plain float32 cuBLAS SGEMM of the Gram shape on the device the GPU backends
 * use, through {@code backend-cuda}'s {@link CublasSgemmCeiling}. Applies to the {@code cuda} and {@code ffm-cublas}
 * backends; unavailable (with the reason) where there is no GPU or no cuBLAS 13.
 */
public final class CublasSgemmCeilingAdapter implements GemmCeiling {

    /** For {@link java.util.ServiceLoader}. */
    public CublasSgemmCeilingAdapter() {
    }

    @Override
    public String name() {
        return "cublas-sgemm";
    }

    @Override
    public boolean appliesTo(String backendName) {
        return backendName.equals("cuda") || backendName.equals("ffm-cublas");
    }

    @Override
    public Probe probe() {
        try {
            return Probe.available(CublasSgemmCeiling.probe());
        } catch (IllegalStateException | LinkageError e) {
            return Probe.unavailable(e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            return Probe.unavailable("cuBLAS SGEMM could not start: " + e);
        }
    }

    @Override
    public Multiplication prepare(GemmShape shape) {
        CublasSgemmCeiling.Multiplication product = CublasSgemmCeiling.prepare(shape.m(), shape.n(), shape.k());
        return new Multiplication() {
            @Override
            public void run() {
                product.run();
            }

            @Override
            public void close() {
                product.close();
            }
        };
    }
}
