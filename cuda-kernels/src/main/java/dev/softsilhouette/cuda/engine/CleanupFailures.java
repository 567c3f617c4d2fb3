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

    /** Runs every step in order, each even when an earlier one failed; then throws the first failure, if any. */
    public static void runAll(Runnable... steps) {
        RuntimeException failure = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failure = keepFirst(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
