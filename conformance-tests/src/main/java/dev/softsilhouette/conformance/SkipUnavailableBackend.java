package dev.softsilhouette.conformance;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Skips every property of a {@link BackendUnderTest} whose backend is found but unavailable here (no GPU, no Vector
 * API module, ...), with the backend's own reason, and prints one line per skipped backend:
 * {@code [conformance] SKIPPED cuda: <reason>}. A backend that is not found at all is not skipped: its properties
 * fail with the selection error, which lists every backend found, because a misspelt name or a missing dependency
 * must never pass as "skipped".
 */
public final class SkipUnavailableBackend implements SkipExecutionHook {
    private static final Set<String> ANNOUNCED = ConcurrentHashMap.newKeySet();

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
        }
        return SkipResult.doNotSkip();
    }
}
