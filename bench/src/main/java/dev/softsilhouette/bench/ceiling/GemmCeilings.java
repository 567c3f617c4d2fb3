package dev.softsilhouette.bench.ceiling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

/** The ceilings found on the class path, and which backends count as GPU backends. */
public final class GemmCeilings {
    /** Backends that run on a GPU: compared with a GPU SGEMM, never with the CPU one. */
    public static final Set<String> GPU_BACKENDS = Set.of("cuda", "ffm-cublas");

    private GemmCeilings() {
    }

    /** Every ceiling found, by name. */
    public static List<GemmCeiling> all() {
        List<GemmCeiling> found = new ArrayList<>();
        ServiceLoader.load(GemmCeiling.class, GemmCeilings.class.getClassLoader()).forEach(found::add);
        found.sort(Comparator.comparing(GemmCeiling::name));
        return found;
    }

    public static Optional<GemmCeiling> byName(String name) {
        return all().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public static boolean isGpuBackend(String backendName) {
        return GPU_BACKENDS.contains(backendName);
    }
}
