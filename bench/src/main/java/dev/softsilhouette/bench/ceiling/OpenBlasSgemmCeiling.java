package dev.softsilhouette.bench.ceiling;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.util.SplittableRandom;

/**
 * OpenBLAS {@code cblas_sgemm} through {@code org.bytedeco:openblas}: the ceiling of CPU backends. It uses as many
 * threads as the CPU backends may (system property {@code bench.openblas.threads}, default: available processors).
 * When the OpenBLAS jars are left out of the class path (a lean GPU bundle), it reports itself unavailable.
 */
public final class OpenBlasSgemmCeiling implements GemmCeiling {
    /** For the ServiceLoader; loads nothing until {@link #probe()}. */
    public OpenBlasSgemmCeiling() {
    }

    public static final String NAME = "openblas-sgemm";
    private static final String THREADS_PROPERTY = "bench.openblas.threads";

    private static volatile Probe probe;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean appliesTo(String backendName) {
        return !GemmCeilings.isGpuBackend(backendName);
    }

    @Override
    public Probe probe() {
        Probe p = probe;
        if (p == null) {
            synchronized (OpenBlasSgemmCeiling.class) {
                p = probe;
                if (p == null) {
                    p = probe = load();
                }
            }
        }
        return p;
    }

    private static Probe load() {
        try {
            Class.forName("org.bytedeco.openblas.global.openblas_nolapack", false,
                    OpenBlasSgemmCeiling.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Probe.unavailable("org.bytedeco:openblas is not on the class path (" + e + "); put "
                    + "openblas-*.jar and its linux-x86_64 jar in lib/");
        }
        try {
            return Binding.load();
        } catch (Throwable e) {
            return Probe.unavailable("OpenBLAS failed to load: " + e);
        }
    }

    @Override
    public Multiplication prepare(GemmShape shape) {
        Probe p = probe();
        if (!p.available()) {
            throw new IllegalStateException(NAME + " is unavailable: " + p.reason());
        }
        return new Binding.Sgemm(shape);
    }

    /** Everything that touches OpenBLAS classes, loaded only once they are known to be present. */
    private static final class Binding {
        static Probe load() throws Exception {
            Loader.load(openblas_nolapack.class);
            int threads = Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
            // A 2x2 product proves the symbol works before anything is measured.
            try (Sgemm check = new Sgemm(new GemmShape(2, 2, 2))) {
                check.run();
            }
            return Probe.available(openblas_nolapack.OPENBLAS_VERSION.trim() + ", " + threads + (threads == 1 ? " thread" : " threads") + ", javacpp "
                    + Loader.getVersion());
        }

        static final class Sgemm implements Multiplication {
            private final GemmShape shape;
            private final FloatPointer a;
            private final FloatPointer b;
            private final FloatPointer c;

            Sgemm(GemmShape shape) {
                this.shape = shape;
                this.a = filled((long) shape.m() * shape.k(), 1);
                this.b = filled((long) shape.n() * shape.k(), 2);
                this.c = new FloatPointer((long) shape.m() * shape.n());
            }

            private static FloatPointer filled(long count, long seed) {
                FloatPointer p = new FloatPointer(count);
                SplittableRandom random = new SplittableRandom(seed);
                for (long i = 0; i < count; i++) {
                    p.put(i, (float) random.nextGaussian());
                }
                return p;
            }

            @Override
            public void run() {
                openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
                        openblas_nolapack.CblasTrans, shape.m(), shape.n(), shape.k(), 1f, a, shape.k(), b, shape.k(),
                        0f, c, shape.n());
            }

            @Override
            public void close() {
                a.close();
                b.close();
                c.close();
            }
        }
    }
}
