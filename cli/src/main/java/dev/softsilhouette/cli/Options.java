package dev.softsilhouette.cli;

import dev.softsilhouette.Metric;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command: {@code --name value}, {@code --name=value} and boolean {@code --flag}s. Unknown,
 * repeated or incomplete options and unparsable values are {@link UsageException}s naming the option.
 */
public final class Options {
    private final String command;
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Options(String command) {
        this.command = command;
    }

    /**
     * @param valued  option names (without dashes) that take a value
     * @param booleans option names that take none
     */
    public static Options parse(String command, String[] args, int from, Set<String> valued, Set<String> booleans) {
        Options o = new Options(command);
        for (int i = from; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException(command + ": unexpected argument '" + arg + "'; options start with --"
                        + " (see silhouette " + command + " --help)");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (booleans.contains(name)) {
                if (value != null) {
                    throw new UsageException(command + ": option --" + name + " takes no value");
                }
                if (!o.flags.add(name)) {
                    throw new UsageException(command + ": option --" + name + " is given twice");
                }
            } else if (valued.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException(command + ": option --" + name + " needs a value");
                    }
                    value = args[++i];
                }
                if (o.values.put(name, value) != null) {
                    throw new UsageException(command + ": option --" + name + " is given twice");
                }
            } else {
                throw new UsageException(command + ": unknown option --" + name + " (see silhouette " + command
                        + " --help)");
            }
        }
        return o;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Path requiredPath(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException(command + ": missing --" + name + " FILE (see silhouette " + command + " --help)");
        }
        return path(name, v);
    }

    /** The value of a path option that is present. */
    public Path path(String name) {
        return requiredPath(name);
    }

    public Path optionalPath(String name) {
        String v = values.get(name);
        return v == null ? null : path(name, v);
    }

    private Path path(String name, String v) {
        if (v.isBlank()) {
            throw new UsageException(command + ": --" + name + " needs a file name");
        }
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            throw new UsageException(command + ": --" + name + " '" + v + "' is not a valid path");
        }
    }

    public int positiveInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int i = Integer.parseInt(v.strip());
            if (i >= 1) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": --" + name + " must be a positive integer, got '" + v + "'");
    }

    /** A finite double {@code >= 0}. */
    public double nonNegative(String name, double fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.strip());
            if (Double.isFinite(d) && d >= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(command + ": --" + name + " must be a finite number >= 0, got '" + v + "'");
    }

    /** A finite double {@code > 0}. */
    public double positive(String name, double fallback) {
        double d = nonNegative(name, fallback);
        if (d <= 0) {
            throw new UsageException(command + ": --" + name + " must be > 0, got '" + values.get(name) + "'");
        }
        return d;
    }

    public Metric metric() {
        String v = values.get("metric");
        if (v == null) {
            return Metric.EUCLIDEAN;
        }
        String key = v.strip().toLowerCase(Locale.ROOT);
        for (Metric m : Metric.values()) {
            if (m.externalName().equals(key)) {
                return m;
            }
        }
        throw new UsageException(command + ": --metric must be euclidean, sqeuclidean or cosine, got '" + v + "'");
    }

    /** The backend specification, or {@code null} for the configured choice. */
    public String backend() {
        String v = values.get("backend");
        if (v != null && v.isBlank()) {
            throw new UsageException(command + ": --backend needs a name (see silhouette backends)");
        }
        return v == null ? null : v.strip();
    }
}
