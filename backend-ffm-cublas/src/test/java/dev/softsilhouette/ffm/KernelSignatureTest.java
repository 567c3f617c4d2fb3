package dev.softsilhouette.ffm;

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

/** The host's kernel table matches the CUDA sources: every kernel exists, with the parameter kinds launches pass. */
class KernelSignatureTest {

    @Test
    void everyLaunchedKernelIsDeclaredWithTheSameParameterKinds() {
        for (FfmKernel kernel : FfmKernel.values()) {
            KernelSource source = KernelCatalog.all().stream()
                    .filter(s -> s.fileName().equals(kernel.source.fileName)).findFirst()
                    .orElseThrow(() -> new AssertionError(kernel.source.fileName + " is not in KernelCatalog"));
            assertEquals(kernel.parameterKinds, declaredKinds(source.text(), kernel.symbol), kernel.symbol);
        }
    }

    @Test
    void everyFfmKernelInTheSourcesIsLaunched() {
        Pattern global = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(");
        List<String> declared = new ArrayList<>();
        for (FfmKernel.Source source : FfmKernel.Source.values()) {
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
        for (FfmKernel kernel : FfmKernel.values()) {
            if (kernel.source.own) {
                launched.add(kernel.symbol);
            }
        }
        assertEquals(declared.stream().sorted().toList(), launched.stream().sorted().toList());
    }

    @Test
    void rowBlockMatchesTheSources() {
        for (FfmKernel.Source source : FfmKernel.Source.values()) {
            if (!source.own) {
                continue;
            }
            String text = KernelCatalog.all().stream().filter(s -> s.fileName().equals(source.fileName))
                    .findFirst().orElseThrow().text();
            Matcher m = Pattern.compile("#define FFM_BLOCK (\\d+)").matcher(text);
            assertTrue(m.find(), source.fileName + " defines FFM_BLOCK");
            assertEquals(FfmCublasBackend.ROW_BLOCK, Integer.parseInt(m.group(1)), source.fileName);
        }
    }

    /** P for pointers, i for int, d for double, from the kernel's C parameter list. */
    static String declaredKinds(String text, String symbol) {
        Matcher m = Pattern.compile("extern \"C\" __global__ void " + symbol + "\\(([^)]*)\\)").matcher(text);
        if (!m.find()) {
            fail(symbol + " is not declared extern \"C\" __global__");
        }
        StringBuilder kinds = new StringBuilder();
        for (String parameter : m.group(1).split(",")) {
            String p = parameter.trim();
            if (p.contains("*")) {
                kinds.append('P');
            } else if (p.startsWith("int ")) {
                kinds.append('i');
            } else if (p.startsWith("double ")) {
                kinds.append('d');
            } else {
                fail(symbol + ": parameter kind not handled by the launcher: " + p);
            }
        }
        return kinds.toString();
    }
}
