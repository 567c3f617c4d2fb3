package dev.softsilhouette.cuda;

import dev.softsilhouette.cuda.engine.DeviceOrdinal;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The speed ceiling the GPU backends are compared against: plain float32 cuBLAS SGEMM ({@code CUBLAS_DEFAULT_MATH},
 * no TF32) of the Gram shape, row-major {@code C[m x n] = A[m x k] * B[n x k]^T}, on the device the {@code cuda}
 * backend uses ({@code silhouette.cuda.device}, default 0). For the bench: {@link #probe()}, then
 * {@link #prepare} once per shape and {@link Multiplication#run()} as often as it likes (each run synchronises);
 * {@link #measure} and {@code main(M N K REPS)} time it directly. Needs a GPU and libcublas.so.13 (cuBLAS is not in
 * the cuda-redist jar).
 */
public final class CublasSgemmCeiling {
    private static CUctx_st context;
    private static int device = -1;
    private static String description;

    /** One timing: {@code 2*m*n*k*repetitions} flops in {@code seconds}. */
    public record Result(int m, int n, int k, int repetitions, double seconds, double gflops, String device) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "cublas-sgemm m=%d n=%d k=%d reps=%d seconds=%.6f gflops=%.1f device=%s",
                    m, n, k, repetitions, seconds, gflops, device);
        }
    }

    private CublasSgemmCeiling() {
    }

    /**
     * Loads cudart and cuBLAS, initialises the driver and retains the device's primary context (once per JVM).
     *
     * @return the device, for reports
     * @throws IllegalStateException with a reason that says what to do, when it cannot run here
     */
    public static synchronized String probe() {
        if (description != null) {
            return description;
        }
        try {
            Loader.load(cudart.class);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw new IllegalStateException(CudaBackendProvider.libraryLoadReason(e), e);
        }
        String noCublas = CudaCublasPort.unavailableReason(); // the backend's own attempt, once per JVM
        if (noCublas != null) {
            throw new IllegalStateException(noCublas);
        }
        Cuda.check(cudart.cuInit(0), "cuInit");
        int[] d = new int[1];
        Cuda.check(cudart.cuDeviceGet(d, DeviceOrdinal.configured()), "cuDeviceGet");
        byte[] name = new byte[256];
        Cuda.check(cudart.cuDeviceGetName(name, name.length, d[0]), "cuDeviceGetName");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        CUctx_st ctx = new CUctx_st();
        Cuda.check(cudart.cuDevicePrimaryCtxRetain(ctx, d[0]), "cuDevicePrimaryCtxRetain");
        context = ctx;
        device = d[0];
        description = new String(name, 0, length, java.nio.charset.StandardCharsets.UTF_8) + " (device " + d[0]
                + "), cuBLAS SGEMM, CUBLAS_DEFAULT_MATH";
        return description;
    }

    /** One prepared SGEMM: A and B hold fixed-seed values in [-1, 1); {@link #run()} returns when C is complete. */
    public static final class Multiplication implements AutoCloseable {
        private final int m;
        private final int n;
        private final int k;
        private long a;
        private long b;
        private long c;
        private cublasContext handle;
        private final FloatPointer alpha = new FloatPointer(1.0f);
        private final FloatPointer beta = new FloatPointer(0.0f);

        private Multiplication(int m, int n, int k) {
            this.m = m;
            this.n = n;
            this.k = k;
            try {
                a = upload((long) m * k, 1);
                b = upload((long) n * k, 2);
                c = allocate((long) m * n);
                cublasContext h = new cublasContext();
                Cuda.checkCublas(cublas.cublasCreate_v2(h), "cublasCreate_v2");
                handle = h;
                Cuda.checkCublas(cublas.cublasSetMathMode(handle, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        /** {@code C = A * B^T}, row-major; synchronised. */
        public void run() {
            Cuda.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            // Row-major C = A B^T is column-major C^T = B A^T: B is (k x n) column-major transposed, A likewise.
            Cuda.checkCublas(cublas.cublasSgemm_v2(handle, cublas.CUBLAS_OP_T, cublas.CUBLAS_OP_N, n, m, k, alpha,
                    new Cuda.RawFloatPointer(b), k, new Cuda.RawFloatPointer(a), k, beta,
                    new Cuda.RawFloatPointer(c), n), "cublasSgemm_v2");
            Cuda.check(cudart.cuCtxSynchronize(), "cuCtxSynchronize");
        }

        /** 2*m*n*k. */
        public double flops() {
            return 2.0 * m * n * (double) k;
        }

        @Override
        public void close() {
            cudart.cuCtxSetCurrent(context);
            if (handle != null) {
                cublas.cublasDestroy_v2(handle);
                handle = null;
            }
            for (long p : new long[] {a, b, c}) {
                if (p != 0) {
                    cudart.cuMemFree(p);
                }
            }
            a = b = c = 0;
            alpha.close();
            beta.close();
        }
    }

    /** Allocates and fills A (m x k) and B (n x k) and allocates C (m x n) for {@link Multiplication#run()}. */
    public static Multiplication prepare(int m, int n, int k) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("m, n, k must be >= 1, got " + m + "x" + n + "x" + k);
        }
        probe();
        Cuda.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
        return new Multiplication(m, n, k);
    }

    /** Times {@code repetitions} SGEMMs after two warm-up runs (wall clock; each run synchronises). */
    public static Result measure(int m, int n, int k, int repetitions) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1");
        }
        try (Multiplication gemm = prepare(m, n, k)) {
            gemm.run();
            gemm.run();
            long start = System.nanoTime();
            for (int i = 0; i < repetitions; i++) {
                gemm.run();
            }
            double seconds = (System.nanoTime() - start) * 1e-9;
            return new Result(m, n, k, repetitions, seconds, gemm.flops() * repetitions / seconds * 1e-9,
                    description);
        }
    }

    private static long allocate(long floats) {
        long[] address = new long[1];
        Cuda.check(cudart.cuMemAlloc(address, floats * Float.BYTES), "cuMemAlloc(" + floats * Float.BYTES + " bytes)");
        return address[0];
    }

    private static long upload(long floats, long seed) {
        long address = allocate(floats);
        SplittableRandom random = new SplittableRandom(seed);
        int chunk = 1 << 20;
        try (FloatPointer host = new FloatPointer(Math.min(floats, chunk))) {
            for (long done = 0; done < floats; done += chunk) {
                int count = (int) Math.min(chunk, floats - done);
                for (int i = 0; i < count; i++) {
                    host.put(i, (float) (random.nextDouble() * 2 - 1));
                }
                Cuda.check(cudart.cuMemcpyHtoD(address + done * Float.BYTES, host, (long) count * Float.BYTES),
                        "cuMemcpyHtoD");
            }
        }
        return address;
    }

    /** {@code M N K REPS}, defaults 16384 16384 512 20 (the Gram of the EUCLIDEAN target case). */
    public static void main(String[] args) {
        int m = args.length > 0 ? Integer.parseInt(args[0]) : 16384;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
        int k = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        System.out.println(measure(m, n, k, reps));
    }
}
