package dev.softsilhouette.cli;

import java.io.PrintStream;

/**
 * A one-line progress bar on stderr. It appears only when stderr is a terminal and the work has already run for a
 * second, so quick commands and redirected output never see it; {@link #close()} erases it.
 */
public final class Progress implements AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean enabled;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    Progress(PrintStream err, boolean terminal, String label, long total) {
        this.err = err;
        this.enabled = terminal && total > 0;
        this.label = label;
        this.total = total;
    }

    /** {@code done} of {@code total} units finished; {@code note} is shown after the bar. */
    public void update(long done, String note) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < SHOW_AFTER_NANOS || (drawn && now - lastDraw < REDRAW_NANOS && done < total)) {
            return;
        }
        lastDraw = now;
        drawn = true;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        double elapsed = (now - start) / 1e9;
        String eta = done > 0 && done < total ? String.format(" eta %.0fs", elapsed * (total - done) / done) : "";
        err.print("\r\033[K" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/"
                + total + String.format(" %.0fs", elapsed) + eta + (note == null ? "" : "  " + note));
        err.flush();
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
