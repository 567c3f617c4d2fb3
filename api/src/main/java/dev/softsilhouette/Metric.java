package dev.softsilhouette;

import java.util.Locale;

/** The pair distance d(u, v) the silhouette is computed with (SPEC section 2). */
public enum Metric {
    /** {@code sqrt(sum_t (u_t - v_t)^2)}. Needs every pair: O(N^2 D). The default. */
    EUCLIDEAN("euclidean"),
    /** {@code sum_t (u_t - v_t)^2}. Decomposes through class statistics: O(N K D). */
    SQUARED_EUCLIDEAN("sqeuclidean"),
    /** {@code 1 - <u', v'>} with {@code u' = u / max(|u|, 1e-12)}. O(N K D). */
    COSINE("cosine");

    /** Smallest norm a row is divided by under {@link #COSINE}, as in SPEC section 2. */
    public static final double COSINE_NORM_FLOOR = 1e-12;

    private final String externalName;

    Metric(String externalName) {
        this.externalName = externalName;
    }

    /** The name scikit-learn and the command line use: {@code euclidean}, {@code sqeuclidean}, {@code cosine}. */
    public String externalName() {
        return externalName;
    }

    /** Whether the per-class distance sums follow from class statistics (SPEC section 6). */
    public boolean decomposes() {
        return this != EUCLIDEAN;
    }

    /**
     * Parses an external name ({@code euclidean}, {@code sqeuclidean}, {@code cosine}) or an enum constant
     * name, case-insensitively.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Metric parse(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT);
            for (Metric m : values()) {
                if (m.externalName.equals(key) || m.name().toLowerCase(Locale.ROOT).equals(key)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException(
                "metric: unknown value '" + name + "'; expected one of euclidean, sqeuclidean, cosine");
    }
}
