package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter kinds of every kernel of some sources, parsed once from the very text that is compiled: what each
 * launch's arguments are checked against (both bindings, and the test doubles that stand in for a device).
 */
public final class KernelSignatures {
    private final Map<String, KernelSignature> byName;

    private KernelSignatures(Map<String, KernelSignature> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Every {@code extern "C" __global__} kernel of {@code sources}; a name defined twice is an error. */
    public static KernelSignatures of(List<KernelSource> sources) {
        Map<String, KernelSignature> all = new HashMap<>();
        for (KernelSource source : sources) {
            for (KernelSignature s : KernelSignature.parse(source.text()).values()) {
                if (all.put(s.kernel(), s) != null) {
                    throw new IllegalStateException("kernel " + s.kernel() + " is defined twice (last in "
                            + source.fileName() + ")");
                }
            }
        }
        return new KernelSignatures(all);
    }

    /** The signature of {@code kernel}; throws when none of the sources defines it. */
    public KernelSignature get(String kernel) {
        KernelSignature s = byName.get(kernel);
        if (s == null) {
            throw new IllegalStateException("kernel " + kernel + " is not in the compiled sources");
        }
        return s;
    }
}
