package dev.softsilhouette;

/**
 * The requested backend is missing or unavailable. The message says what was asked and where the request came from
 * (the API, the system property or the environment variable), suggests the closest name for a typo or the module to
 * add for one of this project's backends, and lists every backend found with its availability and, where
 * unavailable, its reason (SPEC section 10).
 *
 * <p>The parts are also available one by one, so a front end (the command line) can phrase the request in its own
 * terms: {@link #problem()}, {@link #origin()}, {@link #backendsFound()}.
 */
public class BackendSelectionException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Where the selection came from. */
    public enum Origin {
        /** A name given to the API ({@code SoftSilhouetteLoss.Builder.backend}, {@code Backends.backend}). */
        API("the name given to the API"),
        /** The system property {@code silhouette.backend}. */
        SYSTEM_PROPERTY("the system property " + BackendRegistry.PROPERTY),
        /** The environment variable {@code SILHOUETTE_BACKEND}. */
        ENVIRONMENT("the environment variable " + BackendRegistry.ENVIRONMENT),
        /** Nothing was configured: {@code auto}. */
        DEFAULT("the default, auto");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        /** For messages: "the environment variable SILHOUETTE_BACKEND". */
        public String description() {
            return description;
        }
    }

    private final String problem;
    private final Origin origin;
    private final String backendsFound;

    BackendSelectionException(String problem, Origin origin, String backendsFound, Throwable cause) {
        super(problem + " (from " + origin.description() + ")\n" + backendsFound + "\nChoose with -D"
                + BackendRegistry.PROPERTY + "=NAME[,NAME...]|auto, the environment variable "
                + BackendRegistry.ENVIRONMENT + ", or a name given to the builder.", cause);
        this.problem = problem;
        this.origin = origin;
        this.backendsFound = backendsFound;
    }

    /** What went wrong, in one line, with a suggestion where there is one (no listing). */
    public String problem() {
        return problem;
    }

    /** Where the failing selection came from. */
    public Origin origin() {
        return origin;
    }

    /** Every backend found, one per line, with its availability and reason. */
    public String backendsFound() {
        return backendsFound;
    }
}
