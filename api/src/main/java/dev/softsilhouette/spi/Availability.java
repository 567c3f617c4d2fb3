package dev.softsilhouette.spi;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a backend's availability probe, kept with its cause (the Netty pattern: probe once, keep why).
 *
 * @param available whether the backend can run
 * @param details   what it runs on when available (SIMD width, threads, device), or an empty string
 * @param reason    why not, and what to do about it, when unavailable; otherwise an empty string
 * @param cause     the exception the probe caught, if any
 */
public record Availability(boolean available, String details, String reason, Throwable cause) {

    public Availability {
        Objects.requireNonNull(details, "details");
        Objects.requireNonNull(reason, "reason");
        if (!available && reason.isBlank()) {
            throw new IllegalArgumentException("reason: an unavailable backend must say why");
        }
    }

    /** Available, with a line saying what it runs on. */
    public static Availability available(String details) {
        return new Availability(true, details == null ? "" : details, "", null);
    }

    /** Unavailable, with the reason (what failed and what to do) and the probe's exception, which may be null. */
    public static Availability unavailable(String reason, Throwable cause) {
        return new Availability(false, "", reason, cause);
    }

    /** The probe's exception, when it caught one. */
    public Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(cause);
    }

    /**
     * Throws when unavailable.
     *
     * @param backendName used in the message
     * @throws IllegalStateException with the reason as message and the probe's exception as cause
     */
    public void ensureAvailable(String backendName) {
        if (!available) {
            throw new IllegalStateException("backend '" + backendName + "' is unavailable: " + reason, cause);
        }
    }
}
