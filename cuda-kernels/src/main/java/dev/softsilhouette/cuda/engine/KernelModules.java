package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loaded kernels of one opened device: a module per source, its image from a {@link KernelImageCache} (the
 * shared one in production; NVRTC on a miss, for the device's compute capability), and the function of each kernel that is launched. Both
 * bindings load and unload their modules through it; only the four driver and NVRTC calls are theirs
 * ({@link Binding}). The device's context must be current on the calling thread.
 *
 * @param <M> the binding's module handle
 * @param <F> the binding's function handle
 */
public final class KernelModules<M, F> {

    /** The calls a binding makes for it. */
    public interface Binding<M, F> {
        /** NVRTC: {@code key}'s program to an image the driver loads (a cubin). */
        byte[] compile(KernelSource source, NvrtcProgramKey key);

        /** {@code cuModuleLoadData}. */
        M load(KernelSource source, byte[] image);

        /** {@code cuModuleGetFunction}. */
        F function(M module, String kernel);

        /** {@code cuModuleUnload}. */
        void unload(M module);
    }

    private final Binding<M, F> binding;
    private final List<M> modules = new ArrayList<>();
    private final Map<String, F> functions = new HashMap<>();

    private KernelModules(Binding<M, F> binding) {
        this.binding = binding;
    }

    /**
     * Loads every source of {@code launched} and looks up the kernels listed for it. When a step fails, the modules
     * already loaded are unloaded again (their failures attached) and the failure is thrown.
     *
     * @param launched     each source, in load order, with the kernels that are launched from it
     * @param nvrtcVersion NVRTC's major * 1000 + minor * 10, part of the cache key
     */
    public static <M, F> KernelModules<M, F> load(KernelImageCache cache, Map<KernelSource, List<String>> launched,
                                                  int major, int minor, int nvrtcVersion, Binding<M, F> binding) {
        KernelModules<M, F> loaded = new KernelModules<>(binding);
        try {
            for (Map.Entry<KernelSource, List<String>> entry : new LinkedHashMap<>(launched).entrySet()) {
                KernelSource source = entry.getKey();
                NvrtcProgramKey key = NvrtcProgramKey.of(source, major, minor, nvrtcVersion);
                M module = cache.load(key, k -> binding.compile(source, k),
                        image -> binding.load(source, image));
                loaded.modules.add(module);
                for (String kernel : entry.getValue()) {
                    loaded.functions.put(kernel, binding.function(module, kernel));
                }
            }
            return loaded;
        } catch (RuntimeException | Error e) {
            try {
                loaded.unloadAll();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The function of {@code kernel}; throws when it was not among the kernels loaded. */
    public F function(String kernel) {
        F f = functions.get(kernel);
        if (f == null) {
            throw new IllegalStateException("kernel " + kernel + " was not loaded");
        }
        return f;
    }

    /**
     * Unloads every module, even when one fails (the first failure is thrown, later ones attached); afterwards no
     * function is available. Idempotent.
     */
    public void unloadAll() {
        RuntimeException failure = null;
        for (M module : modules) {
            try {
                binding.unload(module);
            } catch (RuntimeException e) {
                failure = CleanupFailures.keepFirst(failure, e);
            }
        }
        modules.clear();
        functions.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
