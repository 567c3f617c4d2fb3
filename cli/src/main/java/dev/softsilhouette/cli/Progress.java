package dev.softsilhouette.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr. It appears only when stderr is a terminal and the work has already run for a
 * second, so quick commands and redirected output never see it; {@link #close()} erases it. A daemon ticker redraws
 * it while one long step runs (a single large {@code score} call has no steps to report), showing the elapsed time;
 * with {@code total == 0} the bar is just that elapsed-time line.
 */
public final class Progress implements AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long TICK_MILLIS = 250;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final Thread ticker;
    private long done;
    private String note;
    private boolean drawn;
    private boolean closed;

    Progress(PrintStream err, boolean terminal, String label, long total) {
        this.err = err;
        this.enabled = terminal;
        this.label = label;
        this.total = total;
        if (enabled) {
            ticker = Thread.ofPlatform().daemon().name("silhouette-progress").unstarted(this::tick);
            ticker.start();
        } else {
            ticker = null;
        }
    }

    /** {@code done} of {@code total} units finished; {@code note} is shown after the bar. */
    public synchronized void update(long done, String note) {
        this.done = done;
        this.note = note;
    }

    private void tick() {
        try {
            while (true) {
                Thread.sleep(TICK_MILLIS);
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    draw();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private void draw() {
        long now = System.nanoTime();
        if (now - start < SHOW_AFTER_NANOS) {
            return;
        }
        drawn = true;
        double elapsed = (now - start) / 1e9;
        StringBuilder line = new StringBuilder("\r\033[K").append(label);
        if (total > 0) {
            int filled = (int) (WIDTH * Math.min(done, total) / total);
            line.append(" [").append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ")
                    .append(done).append('/').append(total);
        } else {
            line.append(" running");
        }
        line.append(String.format(" %.0fs", elapsed));
        if (total > 0 && done > 0 && done < total) {
            line.append(String.format(" eta %.0fs", elapsed * (total - done) / done));
        }
        if (note != null) {
            line.append("  ").append(note);
        }
        err.print(line);
        err.flush();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (drawn) {
                err.print("\r\033[K");
                err.flush();
            }
        }
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
