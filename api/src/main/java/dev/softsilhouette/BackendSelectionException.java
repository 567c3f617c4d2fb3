package dev.softsilhouette;

/**
 * The requested backend is missing or unavailable. The message lists every backend found, each with its
 * availability and, where unavailable, its reason (SPEC section 10).
 */
public class BackendSelectionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    BackendSelectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
