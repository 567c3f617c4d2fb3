package dev.softsilhouette.conformance;

import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyAttributes;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The seed policy of the kit (SPEC section 13): the same build gives the same verdict.
 *
 * <ul>
 *   <li>By default every property runs with a fixed seed derived from its method name (the same inputs on every
 *       backend and in every run), and a previous failure recorded in jqwik's database changes nothing: the run is
 *       exactly the seeded one ({@link AfterFailureMode#PREVIOUS_SEED} with a fixed seed replays that same seed).
 *       A seed written on the property ({@code @Property(seed = ...)}) is kept.</li>
 *   <li>With the system property {@value #EXPLORE_PROPERTY}{@code =true} (the build's {@code -Pexplore} profile)
 *       every property draws a fresh random seed, runs {@value #EXPLORE_TRIES_FACTOR} times its tries, ignores the
 *       database, and prints one line with its seed and verdict, so that any failure can be reproduced and pinned
 *       as a regression example ({@link RegressionContract}).</li>
 * </ul>
 */
public final class ReproducibleSeeds implements AroundPropertyHook {
    /** The system property that switches to fresh seeds and more tries. */
    public static final String EXPLORE_PROPERTY = "silhouette.conformance.explore";
    /** How many times the tries of each property the explore mode runs. */
    public static final int EXPLORE_TRIES_FACTOR = 10;
    private static final long SEED_BASE = 0x5111_0E77_E5EE_D5L;

    /** jqwik creates the hook. */
    public ReproducibleSeeds() {
    }

    /** Registered on a contract interface or test class, the hook must reach every property below it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    /** Whether this JVM explores (fresh seeds, more tries) instead of running the fixed seeds. */
    public static boolean exploring() {
        return Boolean.getBoolean(EXPLORE_PROPERTY);
    }

    /** The fixed seed of a property: a mix of its method name, the same on every backend and in every run. */
    public static String fixedSeed(String propertyName) {
        long z = SEED_BASE + 0x9E37_79B9_7F4A_7C15L * propertyName.hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return Long.toString((z ^ (z >>> 31)) & Long.MAX_VALUE);
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        PropertyAttributes attributes = context.attributes();
        if (!exploring()) {
            if (attributes.seed().filter(seed -> !seed.isEmpty()).isEmpty()) {
                attributes.setSeed(fixedSeed(context.targetMethod().getName()));
            }
            attributes.setAfterFailure(AfterFailureMode.PREVIOUS_SEED);
            return property.execute();
        }
        attributes.setSeed("");
        attributes.setAfterFailure(AfterFailureMode.RANDOM_SEED);
        int tries = attributes.tries().orElse(1000);
        if (context.targetMethod().getParameterCount() > 0) { // an example has nothing to draw
            tries *= EXPLORE_TRIES_FACTOR;
            attributes.setTries(tries);
        }
        PropertyExecutionResult result = property.execute();
        System.out.println("[explore] " + result.status() + " " + context.extendedLabel() + ": seed " + result.seed().orElse("?") + ", "
                + result.countTries() + " of " + tries + " tries" + result.throwable().map(t -> "\n[explore]   "
                + t.toString().lines().findFirst().orElse("")).orElse(""));
        return result;
    }
}
