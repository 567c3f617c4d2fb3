package dev.softsilhouette.cli;

import java.io.PrintStream;

/**
 * Where a command writes: results to {@code out}, progress and diagnostics to {@code err}; {@code terminal} says
 * whether {@code err} is a terminal; {@code verbose} whether {@code --verbose} asked for details beyond the results.
 */
public record CommandContext(PrintStream out, PrintStream err, boolean terminal, boolean verbose) {

    /** A progress bar for {@code total} units of work (shown only on a terminal, after a second). */
    public Progress progress(String label, long total) {
        return new Progress(err, terminal, label, total);
    }
}
