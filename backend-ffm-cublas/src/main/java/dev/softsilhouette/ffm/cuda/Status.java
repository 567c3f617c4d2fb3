package dev.softsilhouette.ffm.cuda;

/** Constants shared by the bindings' error reporting. */
final class Status {
    /** The backend named in every {@link dev.softsilhouette.spi.BackendFailureException}. */
    static final String BACKEND = "ffm-cublas";

    private Status() {
    }
}
