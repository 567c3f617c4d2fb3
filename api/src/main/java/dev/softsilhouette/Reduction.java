package dev.softsilhouette;

import java.util.Locale;

/** How the per-sample losses {@code l_i = 1 - s_i} are combined (SPEC section 4). */
public enum Reduction {
    /** {@code L = (1/N) sum_i l_i}; singletons count in N. The default. */
    MEAN,
    /** {@code L = sum_i l_i}. */
    SUM,
    /** The N values {@code l_i}; the backward takes an upstream gradient of N values. */
    NONE;

    /** Parses {@code mean}, {@code sum} or {@code none}, case-insensitively. */
    public static Reduction parse(String name) {
        if (name != null) {
            String key = name.trim().toUpperCase(Locale.ROOT);
            for (Reduction r : values()) {
                if (r.name().equals(key)) {
                    return r;
                }
            }
        }
        throw new IllegalArgumentException("reduction: unknown value '" + name + "'; expected one of mean, sum, none");
    }
}
