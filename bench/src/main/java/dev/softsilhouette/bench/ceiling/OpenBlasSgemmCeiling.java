package dev.softsilhouette.bench.ceiling;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * OpenBLAS {@code cblas_sgemm} through {@code org.bytedeco:openblas}: the ceiling of CPU backends. It uses as many
 * threads as the CPU backends may (system property {@code bench.openblas.threads}, default: available processors).
 * When the OpenBLAS jars are left out of the class path (a lean GPU bundle), it reports itself unavailable.
 *
 * <p>OpenBLAS chooses its kernels once per process, from the CPU or from {@code OPENBLAS_CORETYPE}; the probe names
 * the core it chose. The runner measures this ceiling in child processes, one per
 * {@link dev.softsilhouette.bench.ceiling.coretype.OpenBlasSetting}, and keeps the best.
 */
public final class OpenBlasSgemmCeiling implements GemmCeiling {
    /** For the ServiceLoader; loads nothing until {@link #probe()}. */
    public OpenBlasSgemmCeiling() {
    }

    public static final String NAME = "openblas-sgemm";
    public static final String THREADS_PROPERTY = "bench.openblas.threads";

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

    /**
     * Runs the product at {@code shape} once on the fixed-seed A and B and checks it against float64
     * ({@link SgemmCheck}).
     */
    public SgemmCheck.Verdict verify(GemmShape shape) {
        try (Binding.Sgemm sgemm = (Binding.Sgemm) prepare(shape)) {
            sgemm.run();
            return sgemm.check();
        }
    }

    /** The core OpenBLAS chose in this process ({@code openblas_get_corename}), or why it is not known. */
    public String coreName() {
        Probe p = probe();
        if (!p.available()) {
            throw new IllegalStateException(NAME + " is unavailable: " + p.reason());
        }
        return Binding.coreName();
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
            return Probe.available(openblas_nolapack.OPENBLAS_VERSION.trim() + ", core " + coreName() + ", "
                    + threads + (threads == 1 ? " thread" : " threads") + ", javacpp " + Loader.getVersion());
        }

        /**
         * The JavaCPP presets do not map {@code openblas_get_corename}: it is looked up in the library JavaCPP
         * loaded, through the FFM API.
         */
        static String coreName() {
            try {
                String library = Loader.getLoadedLibraries().values().stream()
                        .filter(path -> Path.of(path).getFileName().toString().startsWith("libopenblas_nolapack.so"))
                        .findFirst().orElseThrow(() -> new IllegalStateException("libopenblas_nolapack not loaded"));
                SymbolLookup lookup = SymbolLookup.libraryLookup(Path.of(library), Arena.global());
                MethodHandle corename = Linker.nativeLinker().downcallHandle(
                        lookup.find("openblas_get_corename").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS));
                MemorySegment name = (MemorySegment) corename.invokeExact();
                return name.reinterpret(256).getString(0);
            } catch (Throwable e) {
                return "unknown (" + e + ")";
            }
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
                return new FloatPointer(values(count, seed));
            }

            private static float[] values(long count, long seed) {
                float[] v = new float[Math.toIntExact(count)];
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                return v;
            }

            /** Checks the last product against float64 on the same fixed-seed A and B. */
            SgemmCheck.Verdict check() {
                float[] av = values((long) shape.m() * shape.k(), 1);
                float[] bv = values((long) shape.n() * shape.k(), 2);
                return SgemmCheck.check(shape, av, bv, row -> {
                    float[] out = new float[shape.n()];
                    // A view: c's own position must stay 0, JavaCPP passes it on to cblas_sgemm.
                    new FloatPointer(c).position((long) row * shape.n()).get(out);
                    return out;
                });
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
