package dev.softsilhouette.cuda.engine;

/**
 * CUDA's version numbers, as the driver ({@code cuDriverGetVersion}) and the program keys hold them:
 * {@code major * 1000 + minor * 10} (13000 is 13.0).
 */
public final class CudaVersion {
    private CudaVersion() {
    }

    /** The number of version {@code major.minor} (NVRTC reports the two parts). */
    public static int of(int major, int minor) {
        return major * 1000 + minor * 10;
    }

    /** "13.0" for 13000. */
    public static String text(int version) {
        return version / 1000 + "." + (version % 1000) / 10;
    }
}
