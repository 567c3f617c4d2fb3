package dev.softsilhouette.ffm.cuda;

import dev.softsilhouette.ffm.nativelib.NativeFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The binding tables against the real C headers, where this machine has them: for every bound function, the
 * prototype's return and argument kinds match the {@code FunctionDescriptor}, and where a header {@code #define}s
 * the API name to a versioned symbol ({@code cuMemAlloc -> cuMemAlloc_v2}) that symbol is the one bound.
 * A header that is absent skips its table visibly, saying where it looked ({@code -Dsilhouette.cuda.include} adds
 * folders).
 */
class BindingHeadersTest {
    private static final Pattern DEFINE = Pattern.compile(
            "#\\s*define\\s+(\\w+)\\s+(?:__CUDA_API_PTSZ\\(|__CUDA_API_PTDS\\()?(\\w+)\\)?\\s*$", Pattern.MULTILINE);
    private static final Pattern STRUCT_POINTER = Pattern.compile("typedef\\s+struct\\s+\\w+\\s*\\*\\s*(\\w+)\\s*;");
    private static final Pattern ENUM = Pattern.compile("typedef\\s+enum\\s*\\w*\\s*\\{[^}]*}\\s*(\\w+)\\s*;");
    private static final Pattern PLAIN_TYPEDEF = Pattern.compile("typedef\\s+((?:unsigned\\s+|signed\\s+)?\\w+(?:\\s+\\w+)?)\\s+(\\w+)\\s*;");

    static List<Path> includeFolders() {
        Set<Path> out = new LinkedHashSet<>();
        String property = System.getProperty("silhouette.cuda.include");
        if (property != null) {
            for (String entry : property.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    out.add(Path.of(entry.trim()));
                }
            }
        }
        for (String env : List.of("CUDA_HOME", "CUDA_PATH")) {
            String home = System.getenv(env);
            if (home != null && !home.isBlank()) {
                out.add(Path.of(home, "include"));
            }
        }
        out.add(Path.of("/usr/local/cuda/include"));
        Path local = Path.of("/usr/local");
        if (Files.isDirectory(local)) {
            try (Stream<Path> children = Files.list(local)) {
                children.filter(p -> p.getFileName().toString().startsWith("cuda-")).sorted()
                        .forEach(p -> out.add(p.resolve("include")));
            } catch (IOException ignored) {
                // no versioned installs
            }
        }
        out.add(Path.of("/usr/include"));
        out.add(Path.of("/opt/cuda/include"));
        return new ArrayList<>(out);
    }

    static Optional<Path> findHeader(String name) {
        return includeFolders().stream().map(dir -> dir.resolve(name)).filter(Files::isRegularFile).findFirst();
    }

    /** The header's code without comments, so prototypes mentioned in documentation are not matched. */
    static String code(Path header) throws IOException {
        String text = Files.readString(header);
        text = text.replaceAll("(?s)/\\*.*?\\*/", " ");
        return text.replaceAll("//[^\\n]*", "");
    }

    @TestFactory
    Stream<DynamicTest> driverTableMatchesCudaH() {
        return table("cuda.h", List.of(), DriverFunctions.ALL, "CUresult");
    }

    @TestFactory
    Stream<DynamicTest> nvrtcTableMatchesNvrtcH() {
        return table("nvrtc.h", List.of(), NvrtcFunctions.ALL, "nvrtcResult");
    }

    @TestFactory
    Stream<DynamicTest> cublasTableMatchesCublasApiH() {
        return table("cublas_api.h", List.of("cublas_v2.h"), CublasFunctions.ALL, "cublasStatus_t");
    }

    @Test
    void theCheckRejectsALegacySymbolAWrongArityAndAWrongKind() throws IOException {
        Optional<Path> header = findHeader("cuda.h");
        if (header.isEmpty()) {
            Assumptions.abort("cuda.h absent: the checker's own negative test needs it");
        }
        String code = code(header.get());
        NativeFunction legacy = NativeFunction.of("cuda", "cuMemAlloc",
                DriverFunctions.CU_MEM_ALLOC.descriptor());
        NativeFunction arity = new NativeFunction("cuda", "cuMemAlloc", "cuMemAlloc_v2",
                java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        NativeFunction kind = new NativeFunction("cuda", "cuMemAlloc", "cuMemAlloc_v2",
                java.lang.foreign.FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        for (NativeFunction wrong : List.of(legacy, arity, kind)) {
            org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> check(code, wrong, "CUresult"),
                    wrong.toString());
        }
        check(code, DriverFunctions.CU_MEM_ALLOC, "CUresult"); // and accepts the real one
    }

    @Test
    void symbolsAreUniqueAndEveryTableNamesItsLibrary() {
        Set<String> seen = new HashSet<>();
        for (List<NativeFunction> table : List.of(DriverFunctions.ALL, NvrtcFunctions.ALL, CublasFunctions.ALL)) {
            String library = table.get(0).library();
            for (NativeFunction f : table) {
                assertTrue(seen.add(f.symbol()), "bound twice: " + f.symbol());
                assertEquals(library, f.library(), f.symbol());
            }
        }
        // The versioned symbols the headers require, checked here too so that a machine without the headers still
        // catches a regression to the legacy ABI.
        assertEquals("cuMemAlloc_v2", DriverFunctions.CU_MEM_ALLOC.symbol());
        assertEquals("cuMemFree_v2", DriverFunctions.CU_MEM_FREE.symbol());
        assertEquals("cublasSgemm_v2", CublasFunctions.CUBLAS_SGEMM.symbol());
        assertEquals("cublasCreate_v2", CublasFunctions.CUBLAS_CREATE.symbol());
    }

    private Stream<DynamicTest> table(String headerName, List<String> extraHeaders, List<NativeFunction> functions,
                                      String statusType) {
        Optional<Path> header = findHeader(headerName);
        if (header.isEmpty()) {
            String reason = headerName + " not found in " + includeFolders()
                    + ": the " + functions.get(0).library() + " binding table is not checked against its header"
                    + " (set -Dsilhouette.cuda.include=<folder> to check it)";
            return Stream.of(DynamicTest.dynamicTest(headerName + " (absent)", () -> {
                System.out.println("[backend-ffm-cublas] SKIPPED: " + reason);
                Assumptions.abort(reason);
            }));
        }
        return functions.stream().map(f -> DynamicTest.dynamicTest(headerName + " " + f.symbol(), () -> {
            StringBuilder all = new StringBuilder(code(header.get()));
            for (String extra : extraHeaders) {
                Optional<Path> other = Optional.of(header.get().resolveSibling(extra)).filter(Files::isRegularFile);
                if (other.isPresent()) {
                    all.append('\n').append(code(other.get()));
                }
            }
            check(all.toString(), f, statusType);
        }));
    }

    private static void check(String code, NativeFunction function, String statusType) {
        Map<String, String> defines = new HashMap<>();
        Matcher d = DEFINE.matcher(code);
        while (d.find()) {
            defines.putIfAbsent(d.group(1), d.group(2));
        }
        String target = defines.get(function.apiName());
        if (target != null && !target.equals(function.apiName())) {
            assertEquals(target, function.symbol(), "the header #defines " + function.apiName() + " to " + target);
        } else {
            assertEquals(function.apiName(), function.symbol(),
                    "the header does not #define " + function.apiName() + ": bind it as it is");
        }
        // The prototype is declared under the API name (cuda.h) or the versioned symbol (cublas_api.h).
        Prototype prototype = prototype(code, function.symbol())
                .or(() -> prototype(code, function.apiName()))
                .orElseThrow(() -> new AssertionError("no prototype of " + function.symbol() + " / "
                        + function.apiName()));
        Types types = new Types(code);
        assertEquals(kind(function.descriptor().returnLayout().orElse(null)), types.kind(prototype.returnType),
                function.symbol() + " return type " + prototype.returnType);
        List<MemoryLayout> layouts = function.descriptor().argumentLayouts();
        assertEquals(prototype.parameters.size(), layouts.size(),
                function.symbol() + " arity: header has " + prototype.parameters);
        for (int i = 0; i < layouts.size(); i++) {
            assertEquals(types.kind(prototype.parameters.get(i)), kind(layouts.get(i)),
                    function.symbol() + " parameter " + i + ": " + prototype.parameters.get(i));
        }
        assertFalse(statusType.isEmpty());
    }

    record Prototype(String returnType, List<String> parameters) {
    }

    static Optional<Prototype> prototype(String code, String name) {
        Pattern p = Pattern.compile("(?:^|[;}\\n])\\s*(?:extern\\s+)?(?:CUBLASAPI\\s+)?((?:const\\s+)?\\w+(?:\\s*\\*)?)"
                + "\\s+(?:CUDAAPI\\s+|CUBLASWINAPI\\s+)?(\\*?)\\s*" + name + "\\s*\\(([^;{()]*)\\)\\s*;");
        Matcher m = p.matcher(code);
        if (!m.find()) {
            return Optional.empty();
        }
        String returnType = m.group(1).trim();
        if (!m.group(2).isEmpty() && !returnType.endsWith("*")) {
            returnType = returnType + " *"; // "const char *nvrtcGetErrorString(...)": the star binds to the name
        }
        String params = m.group(3).trim().replaceAll("\\s+", " ");
        List<String> list = new ArrayList<>();
        if (!params.isEmpty() && !params.equals("void")) {
            for (String param : params.split(",")) {
                list.add(param.trim());
            }
        }
        return Optional.of(new Prototype(returnType, list));
    }

    /** C type names to the layout kinds the bindings use, from the header's own typedefs. */
    static final class Types {
        private final Set<String> pointerTypedefs = new HashSet<>();
        private final Set<String> enums = new HashSet<>();
        private final Map<String, String> aliases = new HashMap<>();

        Types(String code) {
            Matcher m = STRUCT_POINTER.matcher(code);
            while (m.find()) {
                pointerTypedefs.add(m.group(1));
            }
            m = ENUM.matcher(code);
            while (m.find()) {
                enums.add(m.group(1));
            }
            m = PLAIN_TYPEDEF.matcher(code);
            while (m.find()) {
                aliases.putIfAbsent(m.group(2), m.group(1).trim().replaceAll("\\s+", " "));
            }
            pointerTypedefs.add("cudaStream_t"); // driver_types.h: typedef struct CUstream_st *cudaStream_t
        }

        /** "ADDRESS", "int", "long", "byte", "float", "double", or "void". */
        String kind(String declaration) {
            if (declaration.contains("*") || declaration.contains("[")) {
                return "ADDRESS";
            }
            String[] words = declaration.replace("const ", "").trim().split(" ");
            // a parameter ends with its name unless it is a bare type
            String type = words.length > 1 && !isBaseTypeWord(words[words.length - 1])
                    ? String.join(" ", java.util.Arrays.copyOf(words, words.length - 1)) : String.join(" ", words);
            return resolve(type, 0);
        }

        private static boolean isBaseTypeWord(String word) {
            return Set.of("int", "long", "char", "short", "float", "double", "void").contains(word);
        }

        private String resolve(String type, int depth) {
            switch (type) {
                case "int", "unsigned int", "unsigned", "signed int" -> {
                    return "int";
                }
                case "unsigned char", "char" -> {
                    return "byte";
                }
                case "size_t", "unsigned long long", "long long", "unsigned long", "uint64_t", "cuuint64_t" -> {
                    return "long";
                }
                case "float" -> {
                    return "float";
                }
                case "double" -> {
                    return "double";
                }
                case "void" -> {
                    return "void";
                }
                default -> {
                }
            }
            if (pointerTypedefs.contains(type)) {
                return "ADDRESS";
            }
            if (enums.contains(type)) {
                return "int";
            }
            String alias = aliases.get(type);
            if (alias != null && depth < 8) {
                return resolve(alias, depth + 1);
            }
            fail("C type not resolved from the header: " + type);
            return "";
        }
    }

    static String kind(MemoryLayout layout) {
        if (layout == null) {
            return "void";
        }
        if (layout instanceof java.lang.foreign.AddressLayout) {
            return "ADDRESS";
        }
        if (layout instanceof ValueLayout.OfInt) {
            return "int";
        }
        if (layout instanceof ValueLayout.OfLong) {
            return "long";
        }
        if (layout instanceof ValueLayout.OfByte) {
            return "byte";
        }
        if (layout instanceof ValueLayout.OfFloat) {
            return "float";
        }
        if (layout instanceof ValueLayout.OfDouble) {
            return "double";
        }
        fail("layout kind not handled: " + layout);
        return "";
    }
}
