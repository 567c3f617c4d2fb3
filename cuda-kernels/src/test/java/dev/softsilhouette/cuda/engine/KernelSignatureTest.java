package dev.softsilhouette.cuda.engine;

import dev.softsilhouette.cuda.engine.KernelSignature.Kind;
import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.softsilhouette.cuda.engine.KernelSignature.Kind.DOUBLE;
import static dev.softsilhouette.cuda.engine.KernelSignature.Kind.INT;
import static dev.softsilhouette.cuda.engine.KernelSignature.Kind.POINTER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSignatureTest {

    @Test
    void everyHotKernelOfTheRealSourcesIsParsed() {
        for (KernelSource source : KernelCatalog.all()) {
            Map<String, KernelSignature> parsed = KernelSignature.parse(source.text());
            for (String kernel : source.hotKernels()) {
                assertTrue(parsed.containsKey(kernel), kernel + " not found in " + source.fileName());
                assertTrue(!parsed.get(kernel).parameters().isEmpty(), kernel);
            }
        }
    }

    @Test
    void kindsFollowTheDeclarations() {
        Map<String, KernelSignature> rows = KernelSignature.parse(KernelCatalog.SILHOUETTE_ROWS.text());
        assertEquals(List.of(POINTER, POINTER, POINTER, DOUBLE, INT, INT, INT, POINTER, POINTER, POINTER, POINTER),
                rows.get("prepare_rows").parameters());
        Map<String, KernelSignature> euclid = KernelSignature.parse(KernelCatalog.EUCLIDEAN_FUSED.text());
        assertEquals(List.of(POINTER, POINTER, POINTER, POINTER, INT, INT, INT, POINTER),
                euclid.get("euclidean_backward_rows").parameters());
        assertEquals(List.of(POINTER, POINTER, INT, INT, INT, POINTER), rows.get("column_partials").parameters());
    }

    @Test
    void aMismatchedLaunchIsRejected() {
        KernelSignature s = new KernelSignature("k", List.of(POINTER, INT));
        s.check(new Kind[] {POINTER, INT}, 2);
        assertThrows(IllegalStateException.class, () -> s.check(new Kind[] {POINTER, DOUBLE}, 2));
        assertThrows(IllegalStateException.class, () -> s.check(new Kind[] {POINTER}, 1));
    }
}
