package dev.softsilhouette.conformance;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One line at the end of every test run that held properties of the kit: how many ran, passed, failed and were
 * skipped, per conformance class. Surefire's own total cannot say it: it merges results by the method that declares
 * a test, and every backend's group shares the contract's default methods, so the properties skipped for an
 * unavailable backend disappear behind the same property passed by another backend ("Skipped: 0").
 *
 * <p>Registered with the JUnit Platform launcher through {@link java.util.ServiceLoader}, so it runs wherever the kit
 * is on the test class path (Surefire, Gradle, an IDE).
 */
public final class ConformanceSummary implements TestExecutionListener {
    private final Map<String, Counts> perClass = new ConcurrentHashMap<>();

    /** The launcher creates the listener. */
    public ConformanceSummary() {
    }

    private static final class Counts {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
    }

    /** A property of a contract ({@link BackendUnderTest}), whichever class runs it. */
    private static boolean isKitProperty(TestIdentifier test) {
        return test.isTest() && test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .map(m -> m.getClassName().startsWith(ConformanceSummary.class.getPackageName() + ".")
                        && BackendUnderTest.class.isAssignableFrom(m.getJavaClass()))
                .orElse(false);
    }

    private TestPlan plan;

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        perClass.clear();
    }

    /** Counted per class that runs the property: a group of AllBackendsConformanceTest, or a test class. */
    private Counts countsOf(TestIdentifier test) {
        String container = plan == null ? "?" : plan.getParent(test).map(ConformanceSummary::className).orElse("?");
        return perClass.computeIfAbsent(container, c -> new Counts());
    }

    private static String className(TestIdentifier container) {
        return container.getSource().filter(ClassSource.class::isInstance).map(ClassSource.class::cast)
                .map(c -> c.getClassName().substring(c.getClassName().lastIndexOf('.') + 1))
                .orElse(container.getLegacyReportingName());
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        if (isKitProperty(test)) {
            countsOf(test).skipped.incrementAndGet();
        } else if (plan != null && test.isContainer()) {
            plan.getDescendants(test).stream().filter(ConformanceSummary::isKitProperty)
                    .forEach(t -> countsOf(t).skipped.incrementAndGet());
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (isKitProperty(test)) {
            Counts counts = countsOf(test);
            switch (result.getStatus()) {
                case SUCCESSFUL -> counts.passed.incrementAndGet();
                case FAILED -> counts.failed.incrementAndGet();
                case ABORTED -> counts.skipped.incrementAndGet();
            }
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (!perClass.isEmpty()) {
            System.out.println(summary(perClass));
        }
        plan = null;
    }

    /** "[conformance] 288 properties: 126 passed, 0 failed, 162 skipped (AllBackendsConformanceTest$Cuda: ...)". */
    static String summary(Map<String, Counts> perClass) {
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        StringBuilder detail = new StringBuilder();
        for (Map.Entry<String, Counts> e : new TreeMap<>(perClass).entrySet()) {
            Counts c = e.getValue();
            passed += c.passed.get();
            failed += c.failed.get();
            skipped += c.skipped.get();
            detail.append(detail.isEmpty() ? "" : "; ").append(e.getKey()).append(": ").append(c.passed.get())
                    .append(" passed, ").append(c.failed.get()).append(" failed, ").append(c.skipped.get())
                    .append(" skipped");
        }
        return "[conformance] " + (passed + failed + skipped) + " properties: " + passed + " passed, " + failed
                + " failed, " + skipped + " skipped (" + detail + ")";
    }
}
