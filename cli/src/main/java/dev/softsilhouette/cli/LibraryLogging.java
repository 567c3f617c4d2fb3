package dev.softsilhouette.cli;

import java.io.PrintStream;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The library's {@code System.Logger} output during one command: silenced by default (the command line prints its
 * results and nothing else), shown on the command's stderr at every level, DEBUG included, with {@code --verbose}.
 * The JDK's default {@code System.Logger} is backed by {@code java.util.logging}, so this sets the level of the
 * library's parent logger ({@code dev.softsilhouette}) and restores it afterwards (the command line also runs
 * in-process, in tests and embedders).
 */
final class LibraryLogging implements AutoCloseable {
    /** Held strongly: java.util.logging keeps loggers weakly, and a collected one would forget its level. */
    private static final Logger LIBRARY = Logger.getLogger("dev.softsilhouette");

    private final Level previousLevel;
    private final boolean previousUseParentHandlers;
    private final Handler handler;

    private LibraryLogging(boolean verbose, PrintStream err) {
        previousLevel = LIBRARY.getLevel();
        previousUseParentHandlers = LIBRARY.getUseParentHandlers();
        LIBRARY.setUseParentHandlers(false);
        if (verbose) {
            handler = new Handler() {
                @Override
                public void publish(LogRecord r) {
                    err.println("silhouette: [" + levelName(r.getLevel()) + "] " + MESSAGE.formatMessage(r));
                    err.flush();
                }

                @Override
                public void flush() {
                    err.flush();
                }

                @Override
                public void close() {
                    flush();
                }
            };
            handler.setLevel(Level.ALL);
            LIBRARY.addHandler(handler);
            LIBRARY.setLevel(Level.ALL);
        } else {
            handler = null;
            LIBRARY.setLevel(Level.OFF);
        }
    }

    private static final Formatter MESSAGE = new Formatter() {
        @Override
        public String format(LogRecord r) {
            return formatMessage(r);
        }
    };

    /** The System.Logger name of a java.util.logging level (the library logs with System.Logger levels). */
    private static String levelName(Level level) {
        int v = level.intValue();
        return v >= Level.SEVERE.intValue() ? "error" : v >= Level.WARNING.intValue() ? "warning"
                : v >= Level.INFO.intValue() ? "info" : v >= Level.FINE.intValue() ? "debug" : "trace";
    }

    /** Quiet, or (with {@code verbose}) every library log record on {@code err}, until {@link #close()}. */
    static LibraryLogging forCommand(boolean verbose, PrintStream err) {
        return new LibraryLogging(verbose, err);
    }

    @Override
    public void close() {
        if (handler != null) {
            LIBRARY.removeHandler(handler);
        }
        LIBRARY.setLevel(previousLevel);
        LIBRARY.setUseParentHandlers(previousUseParentHandlers);
    }
}
