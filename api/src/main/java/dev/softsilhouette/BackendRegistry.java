package dev.softsilhouette;

import dev.softsilhouette.spi.Availability;
import dev.softsilhouette.spi.BackendProvider;
import dev.softsilhouette.spi.SilhouetteBackend;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every backend found through {@link ServiceLoader}, probed once each (lazily). Each available backend has at most
 * one instance at a time, shared by every lease on it: {@link SoftSilhouetteLoss} holds one, {@link Backends#backend}
 * hands one out, and closing the last lease closes the instance (its threads stop, its memory is freed). Selection
 * follows SPEC section 10.
 *
 * <p>Logging policy (providers report, the registry logs, quietly): which backend won is logged once per
 * specification at DEBUG; a WARNING only when a backend the user named (by the API, the property or the environment
 * variable) is missing or unavailable and a later choice is used instead. The reasons are in {@link #listing()}.
 */
final class BackendRegistry {
    static final String PROPERTY = "silhouette.backend";
    static final String ENVIRONMENT = "SILHOUETTE_BACKEND";
    static final String AUTO = "auto";

    private static final System.Logger LOG = System.getLogger("dev.softsilhouette");

    /**
     * One provider, its probe result (computed at most once) and its shared instance while leases are held: the
     * first lease creates the instance, the last lease's close closes it, and a later lease creates a new one.
     */
    static final class Entry {
        final BackendProvider provider;
        private volatile Availability availability;
        private SilhouetteBackend instance; // guarded by this
        private int leases; // guarded by this

        Entry(BackendProvider provider) {
            this.provider = provider;
        }

        Availability availability() {
            Availability a = availability;
            if (a == null) {
                synchronized (this) {
                    a = availability;
                    if (a == null) {
                        try {
                            a = provider.probe();
                            if (a == null) {
                                a = Availability.unavailable("its probe returned nothing (a bug in the provider)",
                                        null);
                            }
                        } catch (RuntimeException | LinkageError e) {
                            a = Availability.unavailable("its probe threw " + e, e);
                        }
                        availability = a;
                    }
                }
            }
            return a;
        }

        /**
         * The shared instance, created if there is none, without a lease: to ask what it implements. An instance
         * created here and never leased lives on until a lease on it is opened and closed.
         */
        synchronized SilhouetteBackend instance() {
            availability().ensureAvailable(provider.name());
            if (instance == null) {
                instance = provider.create();
            }
            return instance;
        }

        /** A new lease on the shared instance, creating the instance if there is none. */
        synchronized BackendLease lease(String holder) {
            SilhouetteBackend backend = instance();
            leases++;
            return BackendLease.of(this, backend, holder);
        }

        /** Called once per lease, by its close. The last one closes the instance. */
        synchronized void release(SilhouetteBackend leased) {
            if (leased != instance || leases <= 0) {
                throw new IllegalStateException("a lease of backend '" + provider.name() + "' was released twice");
            }
            if (--leases > 0) {
                return;
            }
            instance = null;
            try {
                leased.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Soft silhouette backend ''{0}'' failed to close: {1}", provider.name(), e);
            }
        }

        /** Open leases, for tests. */
        synchronized int openLeases() {
            return leases;
        }

        BackendInfo info() {
            Availability a = availability();
            return new BackendInfo(provider.name(), provider.priority(), a.available(), a.details(), a.reason(),
                    a.cause());
        }
    }

    private static final class Holder {
        static final BackendRegistry INSTANCE = new BackendRegistry();
    }

    private final List<Entry> entries; // highest priority first
    private final List<String> loadProblems;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private BackendRegistry() {
        Map<String, Entry> byName = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        ServiceLoader<BackendProvider> loader = ServiceLoader.load(BackendProvider.class);
        var iterator = loader.iterator();
        while (true) {
            BackendProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                problems.add(e.getMessage()); // reported by listing(), which every selection failure includes
                LOG.log(Level.DEBUG, "A soft silhouette backend provider could not be loaded: {0}", e.getMessage());
                continue;
            }
            Entry previous = byName.putIfAbsent(provider.name(), new Entry(provider));
            if (previous != null && previous.provider.getClass() != provider.getClass()) {
                problems.add("two providers named '" + provider.name() + "': " + previous.provider.getClass().getName()
                        + " (kept) and " + provider.getClass().getName());
            }
        }
        List<Entry> sorted = new ArrayList<>(byName.values());
        sorted.sort(Comparator.comparingInt((Entry e) -> -e.provider.priority()).thenComparing(e -> e.provider.name()));
        this.entries = List.copyOf(sorted);
        this.loadProblems = List.copyOf(problems);
    }

    static BackendRegistry get() {
        return Holder.INSTANCE;
    }

    List<BackendInfo> list() {
        List<BackendInfo> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.info());
        }
        return out;
    }

    List<String> loadProblems() {
        return loadProblems;
    }

    /** The specification in force when the caller names none: property, then environment, then {@code auto}. */
    static String configuredSpec() {
        String spec = System.getProperty(PROPERTY);
        if (spec != null && !spec.isBlank()) {
            return spec;
        }
        spec = System.getenv(ENVIRONMENT);
        if (spec != null && !spec.isBlank()) {
            return spec;
        }
        return AUTO;
    }

    private static BackendSelectionException.Origin configuredOrigin() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) {
            return BackendSelectionException.Origin.SYSTEM_PROPERTY;
        }
        String e = System.getenv(ENVIRONMENT);
        if (e != null && !e.isBlank()) {
            return BackendSelectionException.Origin.ENVIRONMENT;
        }
        return BackendSelectionException.Origin.DEFAULT;
    }

    /**
     * Resolves an explicit name or list, or (when {@code explicit} is null) the configured one, and leases its
     * backend. {@code holder} names the lease's owner in the message of a call after close.
     */
    BackendLease lease(String explicit, String holder) {
        String spec = explicit != null ? explicit : configuredSpec();
        BackendSelectionException.Origin origin = explicit != null ? BackendSelectionException.Origin.API
                : configuredOrigin();
        Entry chosen = resolve(spec, origin);
        BackendLease lease;
        try {
            lease = chosen.lease(holder);
        } catch (RuntimeException e) {
            throw new BackendSelectionException("backend '" + chosen.provider.name() + "' could not be created: " + e,
                    origin, listing(), e);
        }
        String key = spec + "->" + chosen.provider.name();
        if (logged.add(key)) {
            for (String name : tokens(spec)) {
                if (name.equals(AUTO) || name.equals(chosen.provider.name())) {
                    break;
                }
                Entry skipped = find(name);
                LOG.log(Level.WARNING, "Soft silhouette backend ''{0}'' ({1}) is {2}; using ''{3}''. "
                                + "Backends.describe() says why.", name, origin.description(),
                        skipped == null ? "not on the class or module path" : "unavailable",
                        chosen.provider.name());
            }
            if (LOG.isLoggable(Level.DEBUG)) { // the summary probes every provider: only when it is printed
                LOG.log(Level.DEBUG, "Soft silhouette backend ''{0}'' selected ({1}: {2}); found: {3}",
                        chosen.provider.name(), origin.description(), spec.trim(), summary());
            }
        }
        return lease;
    }

    /** Open leases on the named backend (0 when none is open or the name is unknown), for tests. */
    int openLeases(String name) {
        Entry e = find(name);
        return e == null ? 0 : e.openLeases();
    }

    /**
     * As {@link #lease(String, String)}, for an operation that only some backends implement ({@code capability}, an
     * SPI interface next to {@link SilhouetteBackend}): {@code auto} (alone or in a list) takes the available backend
     * with the highest priority that implements it; a backend named explicitly that lacks it is skipped in a list and
     * an error when it is the only choice, naming the backends that have it. {@code what} names the operation. The
     * lease returned implements the capability (see {@link BackendLease#of}).
     */
    <C> C lease(String explicit, Class<C> capability, String what, String holder) {
        String spec = explicit != null ? explicit : configuredSpec();
        BackendSelectionException.Origin origin = explicit != null ? BackendSelectionException.Origin.API
                : configuredOrigin();
        List<String> lacking = new ArrayList<>();
        for (String name : tokens(spec)) {
            for (Entry e : entries) {
                if (!(name.equals(AUTO) || e.provider.name().equals(name)) || !e.availability().available()) {
                    continue;
                }
                SilhouetteBackend backend = instance(e, origin);
                if (capability.isInstance(backend)) {
                    if (logged.add(spec + "->" + e.provider.name() + " for " + what)) {
                        LOG.log(Level.DEBUG, "Backend ''{0}'' selected for {1} ({2}: {3})", e.provider.name(), what,
                                origin.description(), spec.trim());
                    }
                    BackendLease lease = e.lease(holder);
                    if (!capability.isInstance(lease)) {
                        lease.close();
                        throw new IllegalStateException("no lease type implements " + capability.getName());
                    }
                    return capability.cast(lease);
                }
                if (!name.equals(AUTO)) {
                    lacking.add(name);
                }
            }
        }
        if (lacking.isEmpty()) {
            resolve(spec, origin); // throws the usual "missing or unavailable" error
        }
        List<String> capable = new ArrayList<>();
        for (Entry e : entries) {
            if (e.availability().available() && capability.isInstance(instance(e, origin))) {
                capable.add(e.provider.name());
            }
        }
        throw new BackendSelectionException("backend '" + String.join("', '", lacking) + "' does not implement "
                + what + "; the available backends that do: " + (capable.isEmpty() ? "none" : String.join(", ", capable)),
                origin, listing(), null);
    }

    private SilhouetteBackend instance(Entry chosen, BackendSelectionException.Origin origin) {
        try {
            return chosen.instance();
        } catch (RuntimeException e) {
            throw new BackendSelectionException("backend '" + chosen.provider.name() + "' could not be created: " + e,
                    origin, listing(), e);
        }
    }

    /** Name of the backend the specification resolves to, without creating it. */
    String resolveName(String spec, BackendSelectionException.Origin origin) {
        return resolve(spec, origin).provider.name();
    }

    String resolveConfiguredName() {
        return resolveName(configuredSpec(), configuredOrigin());
    }

    /** The names of a specification, in order; {@code auto} when it names none. */
    private static List<String> tokens(String spec) {
        List<String> wanted = new ArrayList<>();
        for (String t : spec.trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*")) {
            if (!t.isEmpty()) {
                wanted.add(t);
            }
        }
        if (wanted.isEmpty()) {
            wanted.add(AUTO);
        }
        return wanted;
    }

    private Entry resolve(String spec, BackendSelectionException.Origin origin) {
        List<String> wanted = tokens(spec);
        for (String name : wanted) {
            if (name.equals(AUTO)) {
                for (Entry e : entries) {
                    if (e.availability().available()) {
                        return e;
                    }
                }
                continue;
            }
            Entry e = find(name);
            if (e != null && e.availability().available()) {
                return e;
            }
        }
        String what;
        if (wanted.size() == 1 && !wanted.get(0).equals(AUTO)) {
            Entry e = find(wanted.get(0));
            what = e == null ? notFound(wanted.get(0))
                    : "backend '" + wanted.get(0) + "' is unavailable: " + e.availability().reason();
        } else {
            what = "none of the backends in '" + spec.trim() + "' is available";
        }
        Throwable cause = null;
        if (wanted.size() == 1) {
            Entry e = find(wanted.get(0));
            cause = e == null ? null : e.availability().cause();
        }
        throw new BackendSelectionException(what, origin, listing(), cause);
    }

    /** This project's backends that live in modules of their own: a missing one is a missing dependency. */
    private static final Map<String, String> PROJECT_BACKEND_ARTIFACTS = Map.of(
            "cpu-vector", "soft-silhouette-backend-cpu-vector",
            "cuda", "soft-silhouette-backend-cuda",
            "ffm-cublas", "soft-silhouette-backend-ffm-cublas");

    /** "was not found", with the module to add for one of ours, or the closest name found for a typo. */
    private String notFound(String name) {
        String message = "backend '" + name + "' was not found";
        String artifact = PROJECT_BACKEND_ARTIFACTS.get(name);
        if (artifact != null) {
            return message + ": its module is not on the class path; add the dependency dev.softsilhouette:"
                    + artifact;
        }
        String closest = null;
        int best = Integer.MAX_VALUE;
        List<String> candidates = new ArrayList<>(PROJECT_BACKEND_ARTIFACTS.keySet());
        for (Entry e : entries) {
            candidates.add(e.provider.name());
        }
        candidates.add(AUTO);
        for (String candidate : candidates.stream().distinct().sorted().toList()) {
            int distance = editDistance(name, candidate);
            if (distance < best) {
                best = distance;
                closest = candidate;
            }
        }
        // A typo is a few edits away; anything further is a different name, not a misspelling.
        if (closest != null && best <= Math.max(2, closest.length() / 3)) {
            return message + "; did you mean '" + closest + "'?";
        }
        return message;
    }

    /** Levenshtein distance (insertions, deletions, substitutions), for the "did you mean" hint. */
    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private Entry find(String name) {
        for (Entry e : entries) {
            if (e.provider.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private String summary() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            Availability a = e.availability();
            // Names only: the reasons (some list every folder searched) are in Backends.describe().
            sb.append(e.provider.name()).append(a.available() ? " (available)" : " (unavailable)");
        }
        return sb.toString();
    }

    /** Every backend found, one per line, with availability and reason. */
    String listing() {
        StringBuilder sb = new StringBuilder("Backends found (").append(entries.size()).append("):");
        for (Entry e : entries) {
            sb.append("\n  ").append(e.info().describe());
        }
        for (String p : loadProblems) {
            sb.append("\n  (could not load a provider: ").append(p).append(')');
        }
        return sb.toString();
    }
}
