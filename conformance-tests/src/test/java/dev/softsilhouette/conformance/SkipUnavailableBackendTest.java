package dev.softsilhouette.conformance;

import dev.softsilhouette.conformance.fakes.UnavailableFakeProvider;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook.SkipResult;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The skip hook: unavailable backends are skipped with their reason; available and unknown ones are not. */
class SkipUnavailableBackendTest {

    private static SkipResult decide(String backend) {
        BackendUnderTest test = () -> backend;
        PropertyLifecycleContext context = (PropertyLifecycleContext) Proxy.newProxyInstance(
                SkipUnavailableBackendTest.class.getClassLoader(), new Class<?>[]{PropertyLifecycleContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("testInstance")) {
                        return test;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new SkipUnavailableBackend().shouldBeSkipped(context);
    }

    @Test
    void anUnavailableBackendIsSkippedWithItsReasonPrintedOnce() {
        PrintStream saved = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        SkipResult result;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            result = decide(UnavailableFakeProvider.NAME);
            decide(UnavailableFakeProvider.NAME);
        } finally {
            System.setOut(saved);
        }
        assertTrue(result.isSkipped());
        assertTrue(result.reason().orElseThrow().contains(UnavailableFakeProvider.REASON));
        String out = captured.toString(StandardCharsets.UTF_8);
        // The conformance group for the fake may already have announced it in this JVM; never twice.
        assertTrue(out.isEmpty() || out.equals("[conformance] SKIPPED unavailable-fake: "
                + UnavailableFakeProvider.REASON + System.lineSeparator()), out);
    }

    @Test
    void anAvailableBackendRuns() {
        assertFalse(decide("reference").isSkipped());
    }

    /** A misspelt or missing backend is not "skipped": each property fails at once, listing what was found. */
    @Test
    void anUnknownBackendFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> decide("no-such-backend"));
        assertTrue(e.getMessage().contains("'no-such-backend' was not found"), e.getMessage());
        assertTrue(e.getMessage().contains("reference") && e.getMessage().contains(UnavailableFakeProvider.NAME),
                e.getMessage());
    }
}
