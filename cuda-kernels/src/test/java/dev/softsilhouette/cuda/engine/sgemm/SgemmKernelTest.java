package dev.softsilhouette.cuda.engine.sgemm;

import dev.softsilhouette.cuda.kernels.KernelCatalog;
import dev.softsilhouette.cuda.kernels.KernelSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The host's kernel table matches the CUDA sources: every kernel exists, and every own kernel is launched. */
class SgemmKernelTest {

    @Test
    void everyLaunchedKernelHasASignatureParsedFromItsSource() {
        for (SgemmKernel kernel : SgemmKernel.values()) {
            var signature = SgemmKernel.SIGNATURES.get(kernel.symbol); // what every launch is checked against
            assertEquals(kernel.symbol, signature.kernel());
            assertTrue(!signature.parameters().isEmpty(), kernel.symbol);
        }
        // and the kinds are the C declaration's: row_silhouettes(double*, int*, int*, int*, float*, int, double,
        // double, int, int, int, double*)
        var P = dev.softsilhouette.cuda.engine.KernelSignature.Kind.POINTER;
        var I = dev.softsilhouette.cuda.engine.KernelSignature.Kind.INT;
        var D = dev.softsilhouette.cuda.engine.KernelSignature.Kind.DOUBLE;
        assertEquals(List.of(P, P, P, P, P, I, D, D, I, I, I, P),
                SgemmKernel.SIGNATURES.get(SgemmKernel.ROW_SILHOUETTES.symbol).parameters());
    }

    @Test
    void everySgemmKernelInTheSourcesIsLaunched() {
        Pattern global = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");
        List<String> declared = new ArrayList<>();
        for (SgemmKernel.Source source : SgemmKernel.Source.values()) {
            if (!source.own) {
                continue; // a shared source: only the kernels the backend launches, checked above
            }
            String text = KernelCatalog.all().stream().filter(s -> s.fileName().equals(source.fileName))
                    .findFirst().orElseThrow().text();
            Matcher m = global.matcher(text);
            while (m.find()) {
                declared.add(m.group(1));
            }
        }
        List<String> launched = new ArrayList<>();
        for (SgemmKernel kernel : SgemmKernel.values()) {
            if (kernel.source.own) {
                launched.add(kernel.symbol);
            }
        }
        assertEquals(declared.stream().sorted().toList(), launched.stream().sorted().toList());
    }

    @Test
    void rowBlockMatchesTheSources() {
        for (SgemmKernel.Source source : SgemmKernel.Source.values()) {
            if (!source.own) {
                continue;
            }
            String text = KernelCatalog.all().stream().filter(s -> s.fileName().equals(source.fileName))
                    .findFirst().orElseThrow().text();
            Matcher m = Pattern.compile("#define FFM_BLOCK (\\d+)").matcher(text);
            assertTrue(m.find(), source.fileName + " defines FFM_BLOCK");
            assertEquals(SgemmStrategy.ROW_BLOCK, Integer.parseInt(m.group(1)), source.fileName);
        }
    }
}
