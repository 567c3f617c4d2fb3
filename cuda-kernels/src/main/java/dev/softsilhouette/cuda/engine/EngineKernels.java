package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every kernel the engine may launch on a device, whatever the call: both strategies (fused tiles, SGEMM) and the
 * block decomposition, which is every source of the {@link KernelCatalog}. What a binding compiles and loads when it
 * opens a device ({@link #launched()}, for {@link KernelModules#load}), and the parameter kinds the launches are
 * checked against ({@link #SIGNATURES}).
 */
public final class EngineKernels {
    /** The sources, in load order. */
    public static final List<KernelSource> SOURCES = KernelCatalog.all();
    /** The parameter kinds of every kernel of {@link #SOURCES}, parsed from the text that is compiled. */
    public static final KernelSignatures SIGNATURES = KernelSignatures.of(SOURCES);

    private EngineKernels() {
    }

    /** Each source, in load order, with every kernel it defines (all of them are looked up when it is loaded). */
    public static Map<KernelSource, List<String>> launched() {
        Map<KernelSource, List<String>> launched = new LinkedHashMap<>();
        for (KernelSource source : SOURCES) {
            launched.put(source, List.copyOf(KernelSignature.parse(source.text()).keySet()));
        }
        return launched;
    }
}
