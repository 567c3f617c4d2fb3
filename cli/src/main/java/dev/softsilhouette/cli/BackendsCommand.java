package dev.softsilhouette.cli;

import dev.softsilhouette.BackendInfo;
import dev.softsilhouette.Backends;
import dev.softsilhouette.cli.io.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code silhouette backends}: every backend found, its availability, and the one {@code auto} picks. */
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
                ctx.out().println("  " + b.describe());
            }
            ctx.out().println("auto picks: " + auto);
            if (configuredSpec != null) {
                ctx.out().println("configured (" + Backends.PROPERTY + " / " + Backends.ENVIRONMENT + " = '"
                        + configuredSpec + "'): " + (configured != null ? configured : configuredError));
            }
        }
        return SilhouetteCli.OK;
    }
}
