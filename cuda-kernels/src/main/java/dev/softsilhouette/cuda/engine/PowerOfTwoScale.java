package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.Metric;

/**
 * The conditioning scale of both GPU backends: a power of two (so scaling is exact) that brings the largest
 * magnitude into [1, 2), keeping squares of 1e-20 or 1e18 data inside float; silhouettes are scale invariant and
 * the backends convert tau and the gradient back.
 */
public final class PowerOfTwoScale {
    private PowerOfTwoScale() {
    }

    /** The power of two that brings {@code largest} into [1, 2); 1 for 0 or a value that is not finite. */
    public static double of(double largest) {
        return largest > 0.0 && Double.isFinite(largest) ? Math.scalb(1.0, -Math.getExponent(largest)) : 1.0;
    }

    /**
     * The temperature in the units of the device's class sums: rows scaled by {@code scale} scale EUCLIDEAN
     * distances by it and SQUARED_EUCLIDEAN ones by its square; COSINE sums are in the caller's units. The
     * silhouette is scale invariant, the softmin is not: tau moves with the distances.
     */
    public static double tau(Metric metric, double tau, double scale) {
        return switch (metric) {
            case EUCLIDEAN -> tau * scale;
            case SQUARED_EUCLIDEAN -> tau * scale * scale;
            case COSINE -> tau;
        };
    }
}
