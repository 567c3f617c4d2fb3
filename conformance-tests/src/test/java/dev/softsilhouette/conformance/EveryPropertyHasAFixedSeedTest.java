package dev.softsilhouette.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 13: every jqwik property in the repository runs on a fixed seed in the default build. A property
 * qualifies when its class takes the kit's seed policy ({@code @AddLifecycleHook(ReproducibleSeeds.class)}, or a
 * contract interface extending {@link BackendUnderTest}, which carries it) or when the property names its seed.
 */
class EveryPropertyHasAFixedSeedTest {
    private static final Pattern PROPERTY = Pattern.compile("@Property\\b(\\([^)]*\\))?");
    private static final Pattern SEED_POLICY = Pattern.compile(
            "@AddLifecycleHook\\(ReproducibleSeeds\\.class\\)|interface\\s+\\w+\\s+extends\\s+[\\w\\s,]*"
                    + "(BackendUnderTest|Contract)\\b");

    /** The properties of one source file that run on a fresh random seed: "line: annotation". */
    static List<String> unseeded(String source) {
        List<String> out = new ArrayList<>();
        if (SEED_POLICY.matcher(source).find()) {
            return out;
        }
        Matcher m = PROPERTY.matcher(source);
        while (m.find()) {
            if (m.group(1) == null || !m.group(1).matches("(?s).*\\bseed\\s*=.*")) {
                int line = 1 + (int) source.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                out.add(line + ": " + m.group());
            }
        }
        return out;
    }

    @Test
    void everyPropertyOfTheRepositoryRunsOnAFixedSeed() throws IOException {
        Path root = SpecificationCitationsTest.repositoryRoot();
        List<String> bad = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")).toList()) {
                String source = Files.readString(file, StandardCharsets.UTF_8);
                if (source.contains("net.jqwik.api.Property")) {
                    files++;
                    unseeded(source).forEach(u -> bad.add(root.relativize(file) + ":" + u));
                }
            }
        }
        assertTrue(files >= 8, "only " + files + " files with jqwik properties found under " + root);
        assertTrue(bad.isEmpty(), "properties on a fresh random seed (add @AddLifecycleHook(ReproducibleSeeds.class) "
                + "to the class or a seed to the property):\n" + String.join("\n", bad));
    }

    @Test
    void theScannerFindsAnUnseededProperty() {
        String plain = "class A {\n  @Property(tries = 5)\n  void p(@ForAll int x) {}\n"
                + "  @Property(tries = 5, seed = \"42\")\n  void q(@ForAll int x) {}\n  @Property\n  void r() {}\n}";
        assertEquals(List.of("2: @Property(tries = 5)", "6: @Property"), unseeded(plain));
        assertEquals(List.of(), unseeded("@AddLifecycleHook(ReproducibleSeeds.class)\n" + plain));
        assertEquals(List.of(), unseeded("public interface X extends AccuracyContract {\n" + plain + "}"));
    }
}
