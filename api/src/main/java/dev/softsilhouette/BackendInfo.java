package dev.softsilhouette;

import java.util.Optional;

/**
 * What the registry knows about one backend found on the class or module path.
 *
 * @param name      provider name
 * @param priority  rank under {@code auto}
 * @param available whether its probe succeeded
 * @param details   what it runs on (SIMD width, threads, device) when available
 * @param reason    why not, and what to do, when unavailable
 * @param cause     the probe's exception, when it caught one
 */
public record BackendInfo(String name, int priority, boolean available, String details, String reason,
                          Throwable cause) {

    /** The probe's exception, if any. */
    public Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(cause);
    }

    /** One line: name, priority, and availability with details or reason. */
    public String describe() {
        return String.format("%-11s priority %3d  %s", name, priority,
                available ? "available" + (details.isEmpty() ? "" : " (" + details + ")") : "unavailable: " + reason);
    }
}
