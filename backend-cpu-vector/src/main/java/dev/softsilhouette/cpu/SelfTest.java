package dev.softsilhouette.cpu;

import dev.softsilhouette.cpu.simd.SimdOps;
import dev.softsilhouette.cpu.simd.VectorSimdOps;

/**
 * The probe's real work, kept small because it runs before the first call: the Vector API's float and double paths
 * (load, FMA, the lane-sum shuffles, the scalar tail) on integers whose results are exact, through the code the
 * kernels use. It fails (with the Vector API's own exception) where the module is present but unusable. A few dozen
 * vector operations, so it costs little even in the interpreter; running the kernels here cost hundreds of
 * milliseconds before the first call.
 */
final class SelfTest {
    private SelfTest() {
    }

    /** Runs the checks and returns the SIMD shape, for the availability line. */
    static String run() {
        SimdOps ops = new VectorSimdOps();
        // Every path of dot: whole 4-vector blocks, one more vector, a scalar tail.
        int len = 5 * ops.lanes() + 3;
        float[] a = new float[len];
        float[] b = new float[len];
        long expected = 0;
        for (int t = 0; t < len; t++) {
            a[t] = t % 7 - 3;
            b[t] = t % 5 + 1;
            expected += (long) (t % 7 - 3) * (t % 5 + 1);
        }
        float dot = ops.dot(a, 0, b, 0, len);
        if (dot != expected) {
            throw new IllegalStateException("self-test dot " + dot + ", expected " + expected);
        }
        // The double path: squared distances of integer rows by lane to eight classes (mean k: value t is k * t).
        int lanes = 2 * ops.doubleLanes();
        int dLen = 5;
        double[] rows = new double[dLen * lanes];
        double[] means = new double[8 * dLen];
        for (int t = 0; t < dLen; t++) {
            for (int r = 0; r < lanes; r++) {
                rows[t * lanes + r] = t + r;
            }
            for (int k = 0; k < 8; k++) {
                means[k * dLen + t] = k * t;
            }
        }
        double[] distances = new double[8 * lanes];
        ops.squaredDistancesByLane(rows, means, 8, dLen, distances);
        for (int k = 0; k < 8; k++) {
            for (int r = 0; r < lanes; r++) {
                double squared = 0;
                for (int t = 0; t < dLen; t++) {
                    squared += (double) (t + r - k * t) * (t + r - k * t);
                }
                if (distances[k * lanes + r] != squared) {
                    throw new IllegalStateException("self-test squared distance of row " + r + " to class " + k
                            + ": " + distances[k * lanes + r] + ", expected " + squared);
                }
            }
        }
        return ops.describe();
    }
}
