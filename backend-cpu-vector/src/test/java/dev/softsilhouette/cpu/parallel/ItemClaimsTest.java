package dev.softsilhouette.cpu.parallel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every item is handed out exactly once, whoever asks and however many shares there are (also when a worker never
 * asks, or a worker has no share of its own), on one thread and on a pool; alone, a worker takes its own share in
 * order and then the others' from their backs.
 */
class ItemClaimsTest {

    @Test
    void aloneAWorkerTakesItsShareFromTheFrontThenTheOthersFromTheirBacks() {
        ItemClaims claims = new ItemClaims();
        claims.reset(10, 3); // shares [0, 3), [3, 6), [6, 10)
        List<Integer> order = new ArrayList<>();
        for (int item; (item = claims.next(1)) >= 0; ) {
            order.add(item);
        }
        assertEquals(List.of(3, 4, 5, 9, 8, 7, 6, 2, 1, 0), order);
    }

    @Test
    void aWorkerBeyondTheSharesOnlyTakesFromBacks() {
        ItemClaims claims = new ItemClaims();
        claims.reset(4, 2);
        List<Integer> order = new ArrayList<>();
        for (int item; (item = claims.next(5)) >= 0; ) {
            order.add(item);
        }
        assertEquals(4, order.size());
        assertEquals(List.of(0, 1, 2, 3), order.stream().sorted().toList());
    }

    @Test
    void everyItemOnceAtAwkwardSizes() {
        ItemClaims claims = new ItemClaims();
        for (int shares = 1; shares <= 9; shares++) {
            for (int count : new int[] {0, 1, 2, 3, 7, 8, 63, 64, 65, 1000}) {
                claims.reset(count, shares);
                int[] seen = new int[count];
                // Workers ask in turn, one of them (the last) never: the others must take its share.
                int asked = 0;
                for (int item; (item = claims.next(asked % Math.max(1, shares - 1))) >= 0; asked++) {
                    seen[item]++;
                }
                int[] once = new int[count];
                java.util.Arrays.fill(once, 1);
                assertArrayEquals(once, seen, "shares " + shares + ", count " + count);
                assertEquals(-1, claims.next(0), "shares " + shares + ", count " + count + ": after the last");
            }
        }
    }

    /** A task that claims its items through ItemClaims, as the kernels' row phases do. */
    private static final class ClaimingTask implements ParallelTask {
        final ItemClaims claims = new ItemClaims();
        final AtomicInteger[] ran;
        int items;

        ClaimingTask(int maxItems) {
            ran = new AtomicInteger[maxItems];
            for (int i = 0; i < maxItems; i++) {
                ran[i] = new AtomicInteger();
            }
        }

        void reset(int items, int workers) {
            this.items = items;
            claims.reset(items, workers);
            for (int i = 0; i < items; i++) {
                ran[i].set(0);
            }
        }

        @Override
        public void run(int worker, int workers) {
            for (int i; (i = claims.next(worker)) >= 0; ) {
                ran[i].incrementAndGet();
                busyWork();
            }
        }

        private static void busyWork() {
            long until = System.nanoTime() + 2_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void onAPoolEveryItemRunsOnce() {
        WorkerPool pool = new WorkerPool(4, "item-claims-test");
        try {
            ClaimingTask task = new ClaimingTask(200);
            for (int r = 0; r < 2_000; r++) {
                int items = 1 + r % 200;
                task.reset(items, 1 + r % 4);
                pool.run(task, 4);
                for (int i = 0; i < items; i++) {
                    assertEquals(1, task.ran[i].get(), "run " + r + " item " + i);
                }
            }
        } finally {
            pool.close();
        }
    }
}
