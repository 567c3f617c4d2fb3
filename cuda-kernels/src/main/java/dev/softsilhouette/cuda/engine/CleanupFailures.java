package dev.softsilhouette.cuda.engine;

/** For clean-up that goes on after a failure (free the rest, then throw): the first failure is the cause. */
public final class CleanupFailures {
    private CleanupFailures() {
    }

    /** {@code next} when there is no earlier failure, else {@code first} with {@code next} attached as suppressed. */
    public static RuntimeException keepFirst(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
