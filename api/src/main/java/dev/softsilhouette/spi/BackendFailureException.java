package dev.softsilhouette.spi;

/**
 * A backend failed at run time (device lost, out of device memory, a native call returned an error). Carries the
 * backend's name and the native function, error code and error name (SPEC section 9). The caller's buffers are left
 * as they were: backends write their outputs only once the computation has succeeded.
 */
public class BackendFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String backend;
    private final String function;
    private final long errorCode;
    private final String errorName;

    public BackendFailureException(String backend, String function, long errorCode, String errorName, String detail,
                                   Throwable cause) {
        super(backend + ": " + function + " failed with " + errorName + " (" + errorCode + ")"
                + (detail == null || detail.isBlank() ? "" : ": " + detail), cause);
        this.backend = backend;
        this.function = function;
        this.errorCode = errorCode;
        this.errorName = errorName;
    }

    public BackendFailureException(String backend, String function, long errorCode, String errorName, String detail) {
        this(backend, function, errorCode, errorName, detail, null);
    }

    /** The backend's provider name. */
    public String backend() {
        return backend;
    }

    /** The native function that failed, e.g. {@code cuMemAlloc}. */
    public String function() {
        return function;
    }

    /** The native status code. */
    public long errorCode() {
        return errorCode;
    }

    /** The native status name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return errorName;
    }
}
