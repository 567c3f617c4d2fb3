package dev.softsilhouette.cuda;

import dev.softsilhouette.CudaStream;
import dev.softsilhouette.DeviceFloats;
import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.cuda.engine.DeviceOrdinal;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * {@code CudaSelfCheck resident BACKEND}, run by {@code gpu/run-on-device.sh}: the GPU-resident calls of a GPU
 * backend against its own host path, on a GPU, as a framework would make them. The check plays the framework: it
 * holds X and the gradient in device memory of the backend's device (the primary context, as the CUDA runtime
 * allocates), uploads X on a stream of its own without waiting for it, and passes that stream. Checked per metric:
 * loss and gradient equal to the host path's (SPEC 8 bounds, the host path as reference; bit-identity reported);
 * non-finite X rejected with the host path's message and the gradient left as it was; one class zeroing the
 * gradient; the legacy default stream. Exit status 1 on a miss.
 */
final class ResidentSelfCheck {
    private final String backend;
    private final CUstream_st stream = new CUstream_st();
    private long deviceX;
    private long deviceG;
    private Pointer pinned;
    private MemorySegment host;
    private long capacity;

    private ResidentSelfCheck(String backend) {
        this.backend = backend;
    }

    static boolean run(String backend) {
        Cuda.check(cudart.cuInit(0), "cuInit");
        int[] device = new int[1];
        Cuda.check(cudart.cuDeviceGet(device, DeviceOrdinal.configured()), "cuDeviceGet");
        CUctx_st context = new CUctx_st();
        Cuda.check(cudart.cuDevicePrimaryCtxRetain(context, device[0]), "cuDevicePrimaryCtxRetain");
        ResidentSelfCheck check = new ResidentSelfCheck(backend);
        try {
            Cuda.check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
            Cuda.check(cudart.cuStreamCreate(check.stream, cudart.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            boolean ok = true;
            for (Metric metric : Metric.values()) {
                ok &= check.compare(metric, 131, 33, 7, 0.1, 0.0, 1);
                ok &= check.compare(metric, 1000, 64, 10, 0.1, 30.0, 2);
                ok &= check.compare(metric, 4096, 128, 100, 0.05, 0.0, 3);
            }
            ok &= check.nonFiniteRejected();
            ok &= check.oneClass();
            System.out.println(ok ? "resident: PASS" : "resident: FAIL");
            return ok;
        } finally {
            check.free();
            cudart.cuDevicePrimaryCtxRelease(device[0]);
        }
    }

    /** Device memory for X and G, and pinned staging, of at least {@code floats} each. */
    private void reserve(long floats) {
        if (floats <= capacity) {
            return;
        }
        free();
        long bytes = floats * Float.BYTES;
        long[] address = new long[1];
        Cuda.check(cudart.cuMemAlloc(address, bytes), "cuMemAlloc");
        deviceX = address[0];
        Cuda.check(cudart.cuMemAlloc(address, bytes), "cuMemAlloc");
        deviceG = address[0];
        pinned = new Pointer();
        Cuda.check(cudart.cuMemAllocHost(pinned, bytes), "cuMemAllocHost");
        host = MemorySegment.ofAddress(pinned.address()).reinterpret(bytes);
        capacity = floats;
    }

    private void free() {
        if (capacity > 0) {
            cudart.cuMemFree(deviceX);
            cudart.cuMemFree(deviceG);
            cudart.cuMemFreeHost(pinned);
            capacity = 0;
        }
    }

    /**
     * Queues {@code values} into {@code address} on the check's stream and returns without waiting for it (a
     * framework's upload), once the staging buffer's previous copy is done.
     */
    private void upload(long address, float[] values) {
        Cuda.check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize"); // the staging buffer is free again
        MemorySegment.copy(values, 0, host, ValueLayout.JAVA_FLOAT, 0, values.length);
        Cuda.check(cudart.cuMemcpyHtoDAsync(address, new Cuda.RawPointer(host.address()),
                (long) values.length * Float.BYTES, stream), "cuMemcpyHtoDAsync");
    }

    /** Reads {@code count} floats at {@code address}, queued after the check's stream's work, then waited for. */
    private float[] download(long address, int count) {
        Cuda.check(cudart.cuMemcpyDtoHAsync(new Cuda.RawPointer(host.address()), address,
                (long) count * Float.BYTES, stream), "cuMemcpyDtoHAsync");
        Cuda.check(cudart.cuStreamSynchronize(stream), "cuStreamSynchronize");
        return host.asSlice(0, (long) count * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    private static float[] batch(int n, int d, int k, double centre, long seed, int[] y) {
        Random random = new Random(seed);
        float[][] centres = new float[k][d];
        for (float[] c : centres) {
            for (int t = 0; t < d; t++) {
                c[t] = (float) (3 * random.nextGaussian());
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            y[i] = k == 1 ? 4 : i < k ? i : random.nextInt(k);
            for (int t = 0; t < d; t++) {
                x[i * d + t] = (float) (centre + centres[k == 1 ? 0 : y[i]][t] + random.nextGaussian());
            }
        }
        return x;
    }

    private boolean compare(Metric metric, int n, int d, int k, double tau, double centre, long seed) {
        int[] y = new int[n];
        float[] x = batch(n, d, k, centre, seed, y);
        reserve((long) n * d);
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().metric(metric).temperature(tau).backend(backend)
                .build()) {
            float[] gHost = new float[n * d];
            double lHost = loss.forwardBackward(Floats.of(x), Ints.of(y), n, d, Floats.of(gHost));
            upload(deviceX, x);
            float[] sResident = new float[n];
            double lResident = loss.forwardBackward(DeviceFloats.of(deviceX, (long) n * d), Ints.of(y), n, d, 1.0,
                    DeviceFloats.of(deviceG, (long) n * d), Floats.of(sResident), CudaStream.of(stream.address()));
            float[] gResident = download(deviceG, n * d);
            CudaSelfCheck.GradientDifference difference = CudaSelfCheck.GradientDifference.of(gResident, gHost);
            double lossError = Math.abs(lResident - lHost) / Math.max(1, Math.abs(lHost));
            double meanSilhouette = 0;
            for (float s : sResident) {
                meanSilhouette += s;
            }
            meanSilhouette /= n;
            // the N silhouettes written to host memory are the ones the value was reduced from (float rounding)
            boolean silhouettesAgree = Math.abs(1 - meanSilhouette - lResident) <= 1e-6;
            boolean identical = Double.doubleToRawLongBits(lResident) == Double.doubleToRawLongBits(lHost)
                    && Arrays.equals(gResident, gHost);
            boolean ok = Double.isFinite(lResident) && difference.finite() && lossError <= 1e-4
                    && difference.withinSpec8() && silhouettesAgree;
            System.out.printf(Locale.ROOT, "%-4s %s %-17s n=%-5d d=%-4d k=%-4d centre=%-4.0f loss %.9f vs host %.9f "
                            + "(rel %.2e)  grad rel %.2e%s%s%n", ok ? "ok" : "MISS", backend, metric, n, d, k, centre,
                    lResident, lHost, lossError, difference.relative(), identical ? "  bit-identical" : "",
                    silhouettesAgree ? "" : "  SILHOUETTES DISAGREE (mean " + meanSilhouette + ")");
            return ok;
        }
    }

    private boolean nonFiniteRejected() {
        int n = 300;
        int d = 16;
        int[] y = new int[n];
        float[] x = batch(n, d, 5, 0.0, 4, y);
        x[7 * d + 3] = Float.NaN;
        x[200 * d + 1] = Float.POSITIVE_INFINITY;
        reserve((long) n * d);
        boolean ok = true;
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend(backend).build()) {
            String hostMessage = message(() -> loss.forward(Floats.of(x), Ints.of(y), n, d));
            float[] pattern = new float[n * d];
            Arrays.fill(pattern, 42f);
            upload(deviceG, pattern);
            upload(deviceX, x);
            String residentMessage = message(() -> loss.forwardBackward(DeviceFloats.of(deviceX, (long) n * d),
                    Ints.of(y), n, d, DeviceFloats.of(deviceG, (long) n * d), CudaStream.of(stream.address())));
            boolean untouched = Arrays.equals(download(deviceG, n * d), pattern);
            ok = hostMessage.equals(residentMessage) && untouched;
            System.out.println((ok ? "ok   " : "MISS ") + backend + " non-finite X rejected on the device: '"
                    + residentMessage + "' (host path: '" + hostMessage + "'), gradient "
                    + (untouched ? "untouched" : "WRITTEN"));
        }
        return ok;
    }

    private boolean oneClass() {
        int n = 64;
        int d = 8;
        int[] y = new int[n];
        float[] x = batch(n, d, 1, 0.0, 5, y);
        reserve((long) n * d);
        try (SoftSilhouetteLoss loss = SoftSilhouetteLoss.builder().backend(backend).build()) {
            float[] pattern = new float[n * d];
            Arrays.fill(pattern, 42f);
            upload(deviceG, pattern);
            upload(deviceX, x);
            double value = loss.forwardBackward(DeviceFloats.of(deviceX, (long) n * d), Ints.of(y), n, d,
                    DeviceFloats.of(deviceG, (long) n * d), CudaStream.DEFAULT);
            float[] g = download(deviceG, n * d);
            boolean ok = value == 1.0 && Arrays.equals(g, new float[n * d]);
            System.out.println((ok ? "ok   " : "MISS ") + backend + " one class on the default stream: loss " + value
                    + ", gradient " + (Arrays.equals(g, new float[n * d]) ? "zero" : "NOT ZERO"));
            return ok;
        }
    }

    private static String message(Runnable call) {
        try {
            call.run();
            return "(no exception)";
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
