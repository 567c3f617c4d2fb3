package dev.softsilhouette.cli;

import dev.softsilhouette.BackendSelectionException;
import dev.softsilhouette.cli.demo.DemoCommand;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * The {@code silhouette} command: {@code backends}, {@code score}, {@code loss}, {@code supcon} and {@code demo}.
 *
 * <p>Quiet by default: results on stdout, one line on stderr when something fails, nothing else; {@value #VERBOSE}
 * (any command) adds the library's log on stderr.
 *
 * <p>Exit status: 0 success, 2 bad usage or bad input (one line naming the file, option or row), 1 anything else.
 * {@link #run(String[], PrintStream, PrintStream, boolean)} returns the status instead of exiting, for tests and
 * embedding.
 */
public final class SilhouetteCli {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    /** Set by the launcher when stderr is a terminal ({@code [ -t 2 ]}); Java alone cannot ask about stderr. */
    static final String STDERR_TTY_PROPERTY = "silhouette.stderr.tty";
    /** Any command: also print the library's log (DEBUG included) and, for {@code backends}, every reason in full. */
    static final String VERBOSE = "--verbose";

    private SilhouetteCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, stderrIsTerminal()));
    }

    /** Runs one command line and returns its exit status; never calls {@code System.exit}. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    /**
     * @param terminal whether {@code err} is a terminal (progress bars are drawn only then)
     */
    public static int run(String[] args, PrintStream out, PrintStream err, boolean terminal) {
        List<String> words = new ArrayList<>(Arrays.asList(args));
        boolean verbose = words.removeIf(VERBOSE::equals);
        String command = words.isEmpty() ? "" : words.get(0);
        String[] rest = words.subList(Math.min(1, words.size()), words.size()).toArray(String[]::new);
        try (LibraryLogging _ = LibraryLogging.forCommand(verbose, err)) {
            CommandContext context = new CommandContext(out, err, terminal, verbose);
            boolean help = Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h");
            return switch (command) {
                case "" -> {
                    err.print(Help.MAIN);
                    yield USAGE;
                }
                case "help", "--help", "-h" -> printHelp(out, Help.MAIN);
                case "--version", "version" -> {
                    out.println("silhouette " + version());
                    yield OK;
                }
                case "backends" -> help ? printHelp(out, Help.BACKENDS) : BackendsCommand.run(rest, context);
                case "score" -> help ? printHelp(out, Help.SCORE) : MeasureCommands.score(rest, context);
                case "loss" -> help ? printHelp(out, Help.LOSS) : MeasureCommands.loss(rest, context);
                case "supcon" -> help ? printHelp(out, Help.SUPCON) : MeasureCommands.supCon(rest, context);
                case "demo" -> help ? printHelp(out, Help.DEMO) : DemoCommand.run(rest, context);
                default -> throw new UsageException("unknown command '" + command
                        + "'; commands: backends, score, loss, supcon, demo (see silhouette --help)");
            };
        } catch (UsageException e) {
            err.println("silhouette: " + e.getMessage());
            return USAGE;
        } catch (BackendSelectionException e) {
            // In the command line a name given to the API can only have come from --backend.
            String origin = e.origin() == BackendSelectionException.Origin.API ? "--backend"
                    : e.origin().description();
            err.println("silhouette: " + e.problem() + " (from " + origin + ")");
            err.println(e.backendsFound());
            err.println("Choose with --backend NAME[,NAME...]|auto (or SILHOUETTE_BACKEND); see silhouette backends.");
            return USAGE;
        } catch (IllegalArgumentException e) {
            // The API's validation (SPEC section 9): the message names the argument, index and value.
            err.println("silhouette: bad input: " + e.getMessage());
            return USAGE;
        } catch (RuntimeException | Error e) {
            err.println("silhouette: " + command + " failed: " + e);
            if (System.getenv("SILHOUETTE_DEBUG") != null) {
                e.printStackTrace(err);
            } else {
                err.println("silhouette: set SILHOUETTE_DEBUG=1 for the stack trace");
            }
            return FAILURE;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static int printHelp(PrintStream out, String text) {
        out.print(text);
        return OK;
    }

    /** The project version, from a resource filtered at build time. */
    public static String version() {
        try (InputStream in = SilhouetteCli.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static boolean stderrIsTerminal() {
        String told = System.getProperty(STDERR_TTY_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        // Without the launcher's answer: a console that is a terminal usually means stderr is one too.
        return System.console() != null && System.console().isTerminal();
    }
}
