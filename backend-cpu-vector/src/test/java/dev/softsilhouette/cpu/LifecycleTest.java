package dev.softsilhouette.cpu;

import dev.softsilhouette.Floats;
import dev.softsilhouette.Ints;
import dev.softsilhouette.Metric;
import dev.softsilhouette.SoftSilhouetteLoss;
import dev.softsilhouette.spi.PreparedBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The life of a registry backend: 16 threads share it for 10 s and every result is bit-identical to the serial one;
 * closing the last loss stops every worker thread (by name, and in Native Memory Tracking's thread count and stack
 * reservation) and frees every workspace; a later build starts a fresh one.
 *
 * <p>Runs in a JVM of its own (surefire execution {@code lifecycle}: {@code -XX:NativeMemoryTracking=summary},
 * a pool of {@value #POOL} workers, a fixed number of JIT and GC threads), so the registry's instance is this test's
 * alone and no JVM thread comes or goes on its own. The verdict depends on the results, never on timing: the 10 s
 * only bound how many calls are compared.
 */
class LifecycleTest {
    /** Set by the {@code lifecycle} execution only: elsewhere (say under -Dtest) the JVM is not this test's alone. */
    private static final String OWN_JVM_PROPERTY = "silhouette.test.lifecycle";
    private static final int POOL = 4;
    private static final int CALLERS = 16;
    private static final long RUN_NANOS = 10_000_000_000L;
    private static final String WORKER_PREFIX = "soft-silhouette-cpu-";
    private static final long STACK_KB = 4096; // -Xss4m in the surefire argLine

    private record Problem(SoftSilhouetteLoss loss, float[] x, int[] y, int d) {
        int n() {
            return y.length;
        }
    }

    private record Expected(long lossBits, float[] gradient) {
    }

    /** Thread count and stack reservation of NMT's "Thread" category, read in-process. */
    private record NmtThreads(long threads, long stackReservedKb) {
        private static final Pattern THREADS = Pattern.compile("\\(threads #(\\d+)\\)");
        private static final Pattern STACK = Pattern.compile("\\(stack: reserved=(\\d+)KB");

        static NmtThreads now() {
            String summary;
            try {
                summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                        new Object[]{new String[]{"summary"}}, new String[]{String[].class.getName()});
            } catch (Exception e) {
                throw new AssertionError("cannot read Native Memory Tracking: " + e, e);
            }
            Matcher threads = THREADS.matcher(summary);
            Matcher stack = STACK.matcher(summary);
            assertTrue(threads.find() && stack.find(),
                    "no Thread category (is -XX:NativeMemoryTracking=summary set?):\n" + summary);
            return new NmtThreads(Long.parseLong(threads.group(1)), Long.parseLong(stack.group(1)));
        }
    }

    @BeforeAll
    static void inItsOwnJvm() {
        assumeTrue(Boolean.getBoolean(OWN_JVM_PROPERTY),
                "runs in surefire's 'lifecycle' execution, a JVM of its own (-D" + OWN_JVM_PROPERTY + "=true)");
    }

    @Test
    void sixteenThreadsForTenSecondsMatchSerialCallsAndCloseStopsEverything() throws Exception {
        assertEquals(0, workerThreads(), "no pool yet");
        List<SoftSilhouetteLoss> losses = new ArrayList<>();
        List<Problem> problems = problems(losses);
        assertEquals(POOL - 1, workerThreads(), "one shared pool for all " + losses.size() + " losses");

        List<Expected> expected = new ArrayList<>();
        for (Problem p : problems) {
            expected.add(call(p));
        }
        AtomicLong calls = new AtomicLong();
        AtomicReference<String> firstMismatch = new AtomicReference<>();
        Thread[] callers = new Thread[CALLERS];
        long deadline = System.nanoTime() + RUN_NANOS;
        for (int t = 0; t < CALLERS; t++) {
            int start = t;
            callers[t] = new Thread(() -> {
                // at least one full pass per thread, then until the deadline
                for (int i = 0; i < problems.size() || System.nanoTime() < deadline; i++) {
                    int k = (start + i) % problems.size();
                    Expected got = call(problems.get(k));
                    Expected want = expected.get(k);
                    calls.incrementAndGet();
                    if (got.lossBits() != want.lossBits() || !Arrays.equals(got.gradient(), want.gradient())) {
                        firstMismatch.compareAndSet(null, "problem " + k + " on " + Thread.currentThread().getName());
                    }
                }
            }, "caller-" + t);
            callers[t].start();
        }
        for (Thread caller : callers) {
            caller.join();
        }
        assertNull(firstMismatch.get(), "a concurrent result differs from the serial one");
        assertTrue(calls.get() >= (long) CALLERS * problems.size(), calls + " calls");
        System.out.printf("lifecycle: %d concurrent calls on %d threads, %d problems, all bit-identical to serial%n",
                calls.get(), CALLERS, problems.size());

        NmtThreads open = quiet();
        for (SoftSilhouetteLoss loss : losses) {
            loss.close();
        }
        assertEquals(0, workerThreads(), "close of the last loss ends every worker thread");
        NmtThreads closed = poolGone(open);
        System.out.printf("lifecycle: NMT threads %d -> %d, thread stacks reserved %d KB -> %d KB%n",
                open.threads(), closed.threads(), open.stackReservedKb(), closed.stackReservedKb());

        Problem first = problems.getFirst();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> call(first));
        assertEquals("this SoftSilhouetteLoss (backend 'cpu-vector') is closed", e.getMessage());

        try (SoftSilhouetteLoss again = first.loss().toBuilder().build()) {
            assertEquals(POOL - 1, workerThreads(), "a later build starts a fresh pool");
            float[] g = new float[first.x().length];
            double value = again.forwardBackward(first.x(), first.y(), first.d(), g);
            assertEquals(expected.getFirst().lossBits(), Double.doubleToRawLongBits(value));
            assertTrue(Arrays.equals(expected.getFirst().gradient(), g));
        }
        assertEquals(0, workerThreads());
    }

    @Test
    void closeDropsEveryThreadsWorkspace() throws Exception {
        CpuVectorBackend backend = new CpuVectorBackend(2);
        SplittableRandom random = new SplittableRandom(5);
        int n = 120;
        int d = 24;
        int[] y = Batches.labels(n, 5, random);
        float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
        PreparedBatch batch = Batches.prepare(x, y, d);
        Runnable callAll = () -> {
            for (Metric metric : Metric.values()) {
                backend.silhouettesAndGradient(batch, metric, 0.1, 1.0 / n, null, null,
                        MemorySegment.ofArray(new float[n * d]));
            }
        };
        // Callers that end: their workspaces go with them, without a close.
        List<WeakReference<CpuVectorBackend.Workspace>> ended = new ArrayList<>();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                callAll.run();
                synchronized (ended) {
                    ended.add(new WeakReference<>(backend.workspaceOfThisThread()));
                }
            });
            threads[t].start();
        }
        callAll.run();
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < 20 && ended.stream().anyMatch(r -> r.get() != null); i++) {
            System.gc();
        }
        assertTrue(ended.stream().allMatch(r -> r.get() == null), "an ended thread's workspace is still reachable");
        assertEquals(1, backend.workspaceCount(), "this thread's");
        WeakReference<CpuVectorBackend.Workspace> mine = new WeakReference<>(backend.workspaceOfThisThread());

        backend.close();
        backend.close(); // idempotent
        assertEquals(0, backend.workspaceCount());
        for (int i = 0; i < 20 && mine.get() != null; i++) {
            System.gc();
        }
        assertNull(mine.get(), "the calling thread's workspace is still reachable after close");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend.silhouettes(batch, Metric.EUCLIDEAN, 0.1, null));
        assertEquals("the cpu-vector backend is closed", e.getMessage());
    }

    /** 6 losses (3 metrics x tau 0 and 0.1) over 12 batches with N from 2 to 300, singletons included. */
    private static List<Problem> problems(List<SoftSilhouetteLoss> losses) {
        for (Metric metric : Metric.values()) {
            for (double tau : new double[]{0.0, 0.1}) {
                losses.add(SoftSilhouetteLoss.builder().backend("cpu-vector").metric(metric).temperature(tau).build());
            }
        }
        SplittableRandom random = new SplittableRandom(20261130);
        int[] sizes = {2, 3, 7, 19, 40, 64, 97, 128, 150, 211, 256, 300};
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            int n = sizes[i];
            int d = 1 + random.nextInt(48);
            int k = Math.max(1, Math.min(n, 1 + random.nextInt(12)));
            int[] y = Batches.labels(n, k, random);
            if (n > 3) {
                y[random.nextInt(n)] = 1_000_003; // a singleton class
            }
            float[] x = Batches.embeddings(n, d, y, 1.0, 0.0, random);
            problems.add(new Problem(losses.get(i % losses.size()), x, y, d));
        }
        return problems;
    }

    private static Expected call(Problem p) {
        float[] gradient = new float[p.x().length];
        double value = p.loss().forwardBackward(Floats.of(p.x()), Ints.of(p.y()), p.n(), p.d(), Floats.of(gradient));
        return new Expected(Double.doubleToRawLongBits(value), gradient);
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(WORKER_PREFIX) && t.isAlive()).count();
    }

    /** NMT once the exited callers have left it (a thread leaves NMT just after {@code join} returns). */
    private static NmtThreads quiet() throws InterruptedException {
        NmtThreads now = NmtThreads.now();
        for (int i = 0; i < 600; i++) {
            Thread.sleep(50);
            NmtThreads next = NmtThreads.now();
            if (next.equals(now)) {
                return next;
            }
            now = next;
        }
        return now;
    }

    /** NMT once the pool's threads and their stacks have left it; fails if they never do (30 s). */
    private static NmtThreads poolGone(NmtThreads open) throws InterruptedException {
        NmtThreads now = NmtThreads.now();
        for (int i = 0; i < 600; i++) {
            if (now.threads() <= open.threads() - (POOL - 1)
                    && now.stackReservedKb() <= open.stackReservedKb() - (POOL - 1) * STACK_KB) {
                return now;
            }
            Thread.sleep(50);
            now = NmtThreads.now();
        }
        throw new AssertionError("NMT still counts the worker threads after close: " + open + " -> " + now);
    }
}
