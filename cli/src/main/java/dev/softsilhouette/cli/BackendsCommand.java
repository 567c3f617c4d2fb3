package dev.softsilhouette.cli;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import dev.softsilhouette.cli.io.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code silhouette backends}: every backend found, its availability, and the one {@code auto} picks. One line per
 * backend: an unavailable one shows its first cause and how many places were searched; {@code --verbose} prints
 * the reasons in full (every place searched), as {@code Backends.describe()} does.
 */
final class BackendsCommand {
    private BackendsCommand() {
    }

    static int run(String[] args, CommandContext ctx) {
        Options o = Options.parse("backends", args, 0, Set.of(), Set.of("json"));
        List<BackendInfo> all = Backends.list();
        String auto = Backends.autoChoice();
        String configuredSpec = System.getProperty(Backends.PROPERTY, System.getenv(Backends.ENVIRONMENT));
        String configured;
        String configuredError = null;
        try {
            configured = Backends.resolve(null);
        } catch (RuntimeException e) {
            configured = null;
            String message = String.valueOf(e.getMessage());
            configuredError = message.lines().findFirst().orElse(message);
        }
        if (o.flag("json")) {
            List<Json> list = new ArrayList<>();
            for (BackendInfo b : all) {
                list.add(new Json().put("name", b.name()).put("priority", b.priority()).put("available", b.available())
                        .put("details", b.available() ? b.details() : null)
                        .put("reason", b.available() ? null : b.reason()));
            }
            Json j = new Json().put("auto", auto).put("configured", configured)
                    .put("configured_spec", configuredSpec == null ? "auto" : configuredSpec);
            if (configuredError != null) {
                j.put("configured_error", configuredError);
            }
            ctx.out().println(j.put("backends", list));
        } else {
            ctx.out().println("Backends found (" + all.size() + "), highest priority first:");
            for (BackendInfo b : all) {
                ctx.out().println("  " + (ctx.verbose() || b.available() ? b.describe()
                        : String.format("%-11s priority %3d  unavailable: %s", b.name(), b.priority(),
                        firstCause(b.reason()))));
            }
            ctx.out().println("auto picks: " + auto);
            if (configuredSpec != null) {
                ctx.out().println("configured (" + Backends.PROPERTY + " / " + Backends.ENVIRONMENT + " = '"
                        + configuredSpec + "'): " + (configured != null ? configured : configuredError));
            }
        }
        return SilhouetteCli.OK;
    }

    /** "tried N places" in a reason: the native library search of the GPU backends, one per library. */
    private static final Pattern PLACES = Pattern.compile("tried (\\d+) places");
    /** Where a reason's first cause ends: the list of places, a path in parentheses, the next library's reason. */
    private static final List<String> FIRST_CAUSE_ENDS = List.of("; tried ", " (/", " | ", "\n");

    /**
     * The first cause of an unavailability reason, with the number of places searched (or a pointer to
     * {@code --verbose} when something was left out).
     */
    static String firstCause(String reason) {
        int places = 0;
        Matcher m = PLACES.matcher(reason);
        while (m.find()) {
            places += Integer.parseInt(m.group(1));
        }
        int end = reason.length();
        for (String marker : FIRST_CAUSE_ENDS) {
            int at = reason.indexOf(marker);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String first = reason.substring(0, end).strip();
        if (places > 0) {
            return first + " (" + places + " places searched; --verbose lists them)";
        }
        return end < reason.length() ? first + " (--verbose for the rest)" : first;
    }
}
