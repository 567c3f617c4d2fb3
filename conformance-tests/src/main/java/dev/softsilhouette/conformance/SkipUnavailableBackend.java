package dev.softsilhouette.conformance;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Skips every property of a {@link BackendUnderTest} whose backend is found but unavailable here (no GPU, no Vector
 * API module, ...), with the backend's own reason, and prints one line per skipped backend:
 * {@code [conformance] SKIPPED cuda: <reason>}. A backend that is not found at all is not skipped: each property
 * fails at once with the list of every backend found, because a misspelt name or a missing dependency must never
 * pass as "skipped" (and failing here, before any input is generated, spares a long shrink of a failure that has
 * nothing to do with the inputs).
 */
public final class SkipUnavailableBackend implements SkipExecutionHook {
    private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

    /** jqwik creates the hook. */
    public SkipUnavailableBackend() {
    }

    /** Registered on the contract interface, the hook must reach every property of the class implementing it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
        if (!(context instanceof PropertyLifecycleContext property)
                || !(property.testInstance() instanceof BackendUnderTest test)) {
            return SkipResult.doNotSkip();
        }
        String name = test.backendName();
        for (BackendInfo info : Backends.list()) {
            if (info.name().equals(name) && !info.available()) {
                String reason = "backend '" + name + "' is unavailable: " + info.reason();
                if (ANNOUNCED.add(name)) {
                    System.out.println("[conformance] SKIPPED " + name + ": " + info.reason());
                }
                return SkipResult.skip(reason);
            }
            if (info.name().equals(name)) {
                return SkipResult.doNotSkip();
            }
        }
        throw new AssertionError("backend '" + name + "' was not found on the class path; add its module as a test "
                + "dependency (or correct the name)\n" + Backends.describe());
    }
}
