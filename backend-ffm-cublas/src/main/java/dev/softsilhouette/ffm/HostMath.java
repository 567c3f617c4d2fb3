package dev.softsilhouette.ffm;

/** The host's arithmetic around the device steps: unit conversions of the scaled batch. */
final class HostMath {
    private HostMath() {
    }

    /** Temperature in the units of the scaled sums: distances scale by {@code scale} (Euclidean) or its square. */
    static double scaledTau(double tau, boolean squared, boolean cosine, double scale) {
        if (cosine) {
            return tau;
        }
        return tau * (squared ? scale * scale : scale);
    }
}
