package dev.softsilhouette.cuda.kernels;

/**
 * The oldest GPU the kernels can be compiled for, by NVRTC major version: NVRTC 13 targets compute capability 7.5
 * (Turing) and newer only (CUDA 13 dropped Maxwell, Pascal and Volta); NVRTC 12 still targets 5.0. Both GPU backends
 * refuse an older device at start-up with {@link #refusal}, instead of failing later inside NVRTC.
 */
public final class ComputeCapability {
    private ComputeCapability() {
    }

    /** The smallest {@code major * 10 + minor} that NVRTC of major version {@code nvrtcMajor} compiles for. */
    public static int minimumFor(int nvrtcMajor) {
        return nvrtcMajor >= 13 ? 75 : 50;
    }

    /**
     * Why a device of compute capability {@code major.minor} cannot run the kernels compiled by NVRTC
     * {@code nvrtcMajor}, or null when it can.
     */
    public static String refusal(int major, int minor, int nvrtcMajor) {
        int minimum = minimumFor(nvrtcMajor);
        if (major * 10 + minor >= minimum) {
            return null;
        }
        return "compute capability " + major + "." + minor + " is below " + minimum / 10 + "." + minimum % 10
                + ", the oldest that NVRTC " + nvrtcMajor + " compiles for";
    }
}
