package dev.softsilhouette.cuda;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

import java.util.Locale;

/**
 * The speed ceiling the GPU backends are compared against: plain float32 cuBLAS SGEMM ({@code CUBLAS_DEFAULT_MATH},
 * no TF32) of an {@code m x k} by {@code k x n} product, timed on the same device. The bench calls
 * {@link #measure}; {@code java ... dev.softsilhouette.cuda.CublasSgemmCeiling M N K REPS} prints one line.
 * Needs a GPU and libcublas.so.13 (not in the cuda-redist jar).
 */
public final class CublasSgemmCeiling {

    /** One measurement: {@code 2*m*n*k*repetitions} flops in {@code seconds}. */
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
     * Times {@code repetitions} SGEMMs (after two warm-up calls) on device {@code silhouette.cuda.device} (0).
     *
     * @throws dev.softsilhouette.spi.BackendFailureException when a CUDA or cuBLAS call fails
     */
    public static Result measure(int m, int n, int k, int repetitions) {
        if (m < 1 || n < 1 || k < 1 || repetitions < 1) {
            throw new IllegalArgumentException("m, n, k, repetitions must be >= 1");
        }
        Loader.load(cudart.class);
        Loader.load(cublas.class);
        Cuda.check(cudart.cuInit(0), "cuInit");
        int[] device = new int[1];
        Cuda.check(cudart.cuDeviceGet(device, Integer.getInteger(CudaBackendProvider.DEVICE_PROPERTY, 0)),
                "cuDeviceGet");
        byte[] name = new byte[256];
        Cuda.check(cudart.cuDeviceGetName(name, name.length, device[0]), "cuDeviceGetName");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        CUctx_st context = new CUctx_st();
        Cuda.check(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        long a = 0;
        long b = 0;
        long c = 0;
        cublasContext handle = null;
        try {
            Cuda.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            a = allocate((long) m * k);
            b = allocate((long) k * n);
            c = allocate((long) m * n);
            handle = new cublasContext();
            Cuda.checkCublas(cublas.cublasCreate_v2(handle), "cublasCreate_v2");
            Cuda.checkCublas(cublas.cublasSetMathMode(handle, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
            try (FloatPointer alpha = new FloatPointer(1.0f); FloatPointer beta = new FloatPointer(0.0f)) {
                FloatPointer pa = new Cuda.RawFloatPointer(a);
                FloatPointer pb = new Cuda.RawFloatPointer(b);
                FloatPointer pc = new Cuda.RawFloatPointer(c);
                for (int i = 0; i < 2; i++) {
                    Cuda.checkCublas(cublas.cublasSgemm_v2(handle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N, m, n, k,
                            alpha, pa, m, pb, k, beta, pc, m), "cublasSgemm_v2");
                }
                Cuda.check(cudart.cuCtxSynchronize(), "cuCtxSynchronize");
                long start = System.nanoTime();
                for (int i = 0; i < repetitions; i++) {
                    Cuda.checkCublas(cublas.cublasSgemm_v2(handle, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N, m, n, k,
                            alpha, pa, m, pb, k, beta, pc, m), "cublasSgemm_v2");
                }
                Cuda.check(cudart.cuCtxSynchronize(), "cuCtxSynchronize");
                double seconds = (System.nanoTime() - start) * 1e-9;
                double gflops = 2.0 * m * n * (double) k * repetitions / seconds * 1e-9;
                return new Result(m, n, k, repetitions, seconds, gflops,
                        new String(name, 0, length, java.nio.charset.StandardCharsets.UTF_8));
            }
        } finally {
            if (handle != null) {
                cublas.cublasDestroy_v2(handle);
            }
            for (long p : new long[] {a, b, c}) {
                if (p != 0) {
                    cudart.cuMemFree(p);
                }
            }
            cudart.cuDevicePrimaryCtxRelease(device[0]);
        }
    }

    private static long allocate(long floats) {
        long[] address = new long[1];
        Cuda.check(cudart.cuMemAlloc(address, floats * Float.BYTES), "cuMemAlloc");
        // 1.0f everywhere: finite operands, so the timing is of ordinary arithmetic.
        Cuda.check(cudart.cuMemsetD32(address[0], Float.floatToRawIntBits(1.0f), floats), "cuMemsetD32");
        return address[0];
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
