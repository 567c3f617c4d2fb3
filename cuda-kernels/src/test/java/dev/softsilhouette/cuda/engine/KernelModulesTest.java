package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KernelModulesTest {
    private final List<String> log = new ArrayList<>();

    /** Modules are the source's file name, functions "file/kernel"; one kernel's lookup or one unload may fail. */
    private KernelModules.Binding<String, String> binding(String failingKernel, String failingUnload) {
        return new KernelModules.Binding<>() {
            @Override
            public byte[] compile(KernelSource source, NvrtcProgramKey key) {
                log.add("compile " + source.fileName() + " " + key.options().getFirst());
                return source.fileName().getBytes();
            }

            @Override
            public String load(KernelSource source, byte[] image) {
                log.add("load " + new String(image));
                return new String(image);
            }

            @Override
            public String function(String module, String kernel) {
                if (kernel.equals(failingKernel)) {
                    throw new IllegalStateException("CUDA_ERROR_NOT_FOUND: " + kernel);
                }
                return module + "/" + kernel;
            }

            @Override
            public void unload(String module) {
                log.add("unload " + module);
                if (module.equals(failingUnload)) {
                    throw new IllegalStateException("unload " + module + " failed");
                }
            }
        };
    }

    private static Map<KernelSource, List<String>> launched() {
        Map<KernelSource, List<String>> m = new LinkedHashMap<>();
        m.put(KernelCatalog.SILHOUETTE_ROWS, List.of("row_silhouettes", "column_spread"));
        m.put(KernelCatalog.CLASS_STATISTICS, List.of("class_sums"));
        return m;
    }

    @Test
    void compilesOnceLoadsEverySourceAndUnloadsThemAll() {
        KernelImageCache cache = new KernelImageCache(null); // memory only
        KernelModules<String, String> modules = KernelModules.load(cache, launched(), 9, 0, 13000, binding(null, null));
        assertEquals("silhouette_rows.cu/row_silhouettes", modules.function("row_silhouettes"));
        assertEquals("class_statistics.cu/class_sums", modules.function("class_sums"));
        assertThrows(IllegalStateException.class, () -> modules.function("class_distance_sums"), "not launched");
        assertEquals(List.of("compile silhouette_rows.cu --gpu-architecture=sm_90", "load silhouette_rows.cu",
                "compile class_statistics.cu --gpu-architecture=sm_90", "load class_statistics.cu"), log);
        log.clear();
        KernelModules.load(cache, launched(), 9, 0, 13000, binding(null, null));
        assertEquals(List.of("load silhouette_rows.cu", "load class_statistics.cu"), log, "images from the cache");
        log.clear();
        modules.unloadAll();
        modules.unloadAll();
        assertEquals(List.of("unload silhouette_rows.cu", "unload class_statistics.cu"), log, "once");
        assertThrows(IllegalStateException.class, () -> modules.function("row_silhouettes"));
    }

    @Test
    void aFailedLookupUnloadsWhatWasLoadedAndAFailedUnloadStopsNoOther() {
        KernelImageCache cache = new KernelImageCache(null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> KernelModules.load(cache, launched(), 8, 0, 13000, binding("class_sums", null)));
        assertEquals("CUDA_ERROR_NOT_FOUND: class_sums", e.getMessage());
        assertEquals(List.of("unload silhouette_rows.cu", "unload class_statistics.cu"),
                log.stream().filter(l -> l.startsWith("unload")).toList());
        log.clear();
        KernelModules<String, String> modules = KernelModules.load(cache, launched(), 8, 0, 13000,
                binding(null, "silhouette_rows.cu"));
        IllegalStateException unload = assertThrows(IllegalStateException.class, modules::unloadAll);
        assertEquals("unload silhouette_rows.cu failed", unload.getMessage());
        assertEquals(List.of("load silhouette_rows.cu", "load class_statistics.cu", "unload silhouette_rows.cu",
                "unload class_statistics.cu"), log);
    }
}
