package dev.softsilhouette.cuda.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreadWorkspacesTest {
    private final List<String> log = new ArrayList<>();

    private final class Space implements AutoCloseable {
        final int id;
        final boolean failOnClose;

        Space(int id, boolean failOnClose) {
            this.id = id;
            this.failOnClose = failOnClose;
        }

        @Override
        public void close() {
            log.add("close " + id);
            if (failOnClose) {
                throw new IllegalStateException("close " + id + " failed");
            }
        }
    }

    @Test
    void oneWorkspacePerThreadAllClosedOnceThenEveryCallRefused() throws Exception {
        int[] made = {0};
        ThreadWorkspaces<Space> spaces = new ThreadWorkspaces<>("gpu", () -> new Space(++made[0], false));
        Space mine = spaces.get();
        assertSame(mine, spaces.get(), "reused on the same thread");
        AtomicReference<Space> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(spaces.get()));
        t.start();
        t.join();
        assertNotSame(mine, other.get(), "another thread gets its own");
        assertEquals(2, made[0]);
        spaces.ensureOpen();
        spaces.close();
        assertEquals(List.of("close 1", "close 2"), log);
        spaces.close();
        assertEquals(2, log.size(), "closed once");
        IllegalStateException e = assertThrows(IllegalStateException.class, spaces::get);
        assertEquals("backend gpu is closed", e.getMessage());
        assertThrows(IllegalStateException.class, spaces::ensureOpen);
        assertEquals(2, made[0], "nothing is made after close");
    }

    @Test
    void aFailingCloseStillClosesTheOthersAndIsThrownFirst() throws Exception {
        int[] made = {0};
        ThreadWorkspaces<Space> spaces = new ThreadWorkspaces<>("gpu", () -> {
            made[0]++;
            return new Space(made[0], true);
        });
        spaces.get();
        Thread t = new Thread(spaces::get);
        t.start();
        t.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, spaces::close);
        assertEquals("close 1 failed", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(List.of("close 1", "close 2"), log);
    }
}
