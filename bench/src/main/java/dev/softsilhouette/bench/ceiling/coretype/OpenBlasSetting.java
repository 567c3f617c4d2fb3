package dev.softsilhouette.bench.ceiling.coretype;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One environment to run OpenBLAS under when looking for the best SGEMM this machine offers. OpenBLAS picks its
 * kernels from {@code OPENBLAS_CORETYPE} and sizes its blocks with {@code OPENBLAS_L2_SIZE} when they are set; an
 * environment that forces an older core type (Haswell on an AVX-512 CPU) halves its rate. A setting only ever
 * changes the environment of a child process: the runner's own environment, the tests' and CI's stay as given.
 *
 * @param label    stable name: {@code as-given}, {@code unset}, or the core type ({@code SkylakeX})
 * @param coreType the {@code OPENBLAS_CORETYPE} to force, or null ({@code as-given}: whatever the environment
 *                 says; {@code unset}: neither variable)
 */
public record OpenBlasSetting(String label, String coreType) {
    public static final String CORE_TYPE = "OPENBLAS_CORETYPE";
    public static final String L2_SIZE = "OPENBLAS_L2_SIZE";
    static final String AS_GIVEN_LABEL = "as-given";
    static final String UNSET_LABEL = "unset";

    public static final OpenBlasSetting AS_GIVEN = new OpenBlasSetting(AS_GIVEN_LABEL, null);
    public static final OpenBlasSetting UNSET = new OpenBlasSetting(UNSET_LABEL, null);

    /** The core types tried, newest AVX-512 kernels first; OpenBLAS falls back where the CPU lacks one. */
    static final List<String> CORE_TYPES = List.of("SkylakeX", "Cooperlake", "SapphireRapids", "Zen", "Haswell");

    public OpenBlasSetting {
        Objects.requireNonNull(label, "label");
        if (coreType != null && !coreType.equals(label)) {
            throw new IllegalArgumentException("a core-type setting is labelled with its core type: " + label);
        }
    }

    /** Every candidate, in the order they are tried and listed: as given, both unset, then each core type. */
    public static List<OpenBlasSetting> candidates() {
        List<OpenBlasSetting> all = new java.util.ArrayList<>(List.of(AS_GIVEN, UNSET));
        CORE_TYPES.forEach(t -> all.add(coreType(t)));
        return List.copyOf(all);
    }

    /** {@code OPENBLAS_CORETYPE=type}, {@code OPENBLAS_L2_SIZE} unset. */
    public static OpenBlasSetting coreType(String type) {
        return new OpenBlasSetting(type, type);
    }

    /** The setting a label names (the JMH parameter). */
    public static OpenBlasSetting parse(String label) {
        return switch (label) {
            case AS_GIVEN_LABEL -> AS_GIVEN;
            case UNSET_LABEL -> UNSET;
            default -> coreType(label);
        };
    }

    /** Changes a child process's environment ({@link ProcessBuilder#environment()}) to this setting. */
    public void applyTo(Map<String, String> environment) {
        if (label.equals(AS_GIVEN_LABEL)) {
            return;
        }
        environment.remove(L2_SIZE);
        if (coreType == null) {
            environment.remove(CORE_TYPE);
        } else {
            environment.put(CORE_TYPE, coreType);
        }
    }

    /** The two variables as a child sees them under this setting (absent = unset), from the given environment. */
    public Map<String, String> effective(Map<String, String> given) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : List.of(CORE_TYPE, L2_SIZE)) {
            if (given.get(name) != null) {
                env.put(name, given.get(name));
            }
        }
        applyTo(env);
        return env;
    }

    /** Whether an environment is the one this setting makes (a benchmark fork checks its own). */
    public boolean holdsIn(Map<String, String> environment) {
        if (label.equals(AS_GIVEN_LABEL)) {
            return true;
        }
        return environment.get(L2_SIZE) == null && Objects.equals(environment.get(CORE_TYPE), coreType);
    }

    /** {@code OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_L2_SIZE unset}, as a child sees it. */
    public String describe(Map<String, String> given) {
        Map<String, String> env = effective(given);
        return describeVariable(env, CORE_TYPE) + ", " + describeVariable(env, L2_SIZE);
    }

    private static String describeVariable(Map<String, String> env, String name) {
        return env.containsKey(name) ? name + "=" + env.get(name) : name + " unset";
    }

    @Override
    public String toString() {
        return label;
    }
}
