package dev.softsilhouette.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every "SPEC section N" (also "SPEC N", "SPEC sections N to M", "SPEC sections N and M") in every source file and
 * document of the repository names a section that docs/specification.md has.
 */
class SpecificationCitationsTest {
    /** A citation: SPEC, an optional "section(s)", numbers joined by ",", "and", "or", "to"; comment leaders between. */
    private static final String GAP = "(?:[\\s*#]|//)+";
    private static final Pattern CITATION = Pattern.compile("\\bSPEC(?:" + GAP + "sections?)?" + GAP
            + "(\\d+\\b(?:" + GAP + "?(?:,|and|or|to)" + GAP + "\\d+\\b)*)");
    private static final Pattern NUMBER_OR_RANGE = Pattern.compile("(\\d+)(?:" + GAP + "to" + GAP + "(\\d+))?");
    private static final Pattern HEADING = Pattern.compile("(?m)^## (\\d+)\\. ");
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", ".idea", "node_modules");

    /** The section numbers of the specification: its "## N. Title" headings. */
    static Set<Integer> sections(String specification) {
        Set<Integer> sections = new TreeSet<>();
        Matcher m = HEADING.matcher(specification);
        while (m.find()) {
            sections.add(Integer.parseInt(m.group(1)));
        }
        return sections;
    }

    /** Every section cited in the text, with the line where the citation starts. */
    static List<Citation> citations(String text) {
        List<Citation> out = new ArrayList<>();
        Matcher m = CITATION.matcher(text);
        while (m.find()) {
            int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            Matcher n = NUMBER_OR_RANGE.matcher(m.group(1));
            while (n.find()) {
                int from = Integer.parseInt(n.group(1));
                int to = n.group(2) == null ? from : Integer.parseInt(n.group(2));
                for (int section = from; section <= Math.max(from, to); section++) {
                    out.add(new Citation(line, section, m.group().replaceAll("\\s+", " ")));
                }
            }
        }
        return out;
    }

    /** The citations of the text that name no section of the specification. */
    static List<Citation> unresolved(String text, Set<Integer> sections) {
        return citations(text).stream().filter(c -> !sections.contains(c.section())).toList();
    }

    record Citation(int line, int section, String text) {
    }

    static Path repositoryRoot() {
        String configured = System.getProperty("silhouette.repository.root");
        Path start = Path.of(configured != null ? configured : "").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/specification.md"))) {
                return p;
            }
        }
        throw new AssertionError("docs/specification.md not found above " + start);
    }

    private static boolean isText(Path file) {
        try {
            if (Files.size(file) > 4_000_000) {
                return false;
            }
            byte[] head = Files.readAllBytes(file);
            for (int i = 0; i < Math.min(head.length, 8192); i++) {
                if (head[i] == 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyCitationInTheRepositoryNamesASectionOfTheSpecification() throws IOException {
        Path root = repositoryRoot();
        Set<Integer> sections = sections(read(root.resolve("docs/specification.md")));
        assertEquals(13, sections.size(), "docs/specification.md has sections 1 to 13: " + sections);
        List<String> bad = new ArrayList<>();
        int[] cited = new int[1];
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(p -> root.relativize(p).toString().isEmpty() || java.util.stream.StreamSupport
                            .stream(root.relativize(p).spliterator(), false)
                            .noneMatch(part -> SKIPPED_DIRECTORIES.contains(part.toString())))
                    .filter(Files::isRegularFile).filter(SpecificationCitationsTest::isText).toList();
        }
        for (Path file : files) {
            String text = read(file);
            cited[0] += citations(text).size();
            for (Citation c : unresolved(text, sections)) {
                bad.add(root.relativize(file) + ":" + c.line() + ": \"" + c.text() + "\" names section " + c.section());
            }
        }
        // The scanner must see the citations that exist (the code cites the specification dozens of times).
        assertTrue(cited[0] > 50, "only " + cited[0] + " citations found in " + files.size() + " files under " + root);
        assertTrue(bad.isEmpty(), "citations of sections that docs/specification.md does not have:\n"
                + String.join("\n", bad));
    }

    @Test
    void theScannerFindsABadCitation() {
        // Written with a placeholder, so that this file's own scan does not see these (deliberately bad) citations.
        String text = """
                /** Validation (CITE section 9), accuracy (CITE 8's bound), CITE sections 2 to 5.
                 * and a wrapped CITE section
                 * 14 that does not exist; CITE sections 12 to 15 too, and CITE 1e-3 is no citation. */
                """.replace("CITE", "SP" + "EC");
        Set<Integer> sections = sections("## 1. A\n## 2. B\n## 3. C\n## 4. D\n## 5. E\n## 8. F\n## 9. G\n## 12. H\n"
                + "## 13. I\n");
        List<Integer> bad = unresolved(text, sections).stream().map(Citation::section).toList();
        assertEquals(List.of(14, 14, 15), bad, unresolved(text, sections).toString());
        assertEquals(2, unresolved(text, sections).getFirst().line());
        assertEquals(List.of(9, 8, 2, 3, 4, 5, 14, 12, 13, 14, 15),
                citations(text).stream().map(Citation::section).toList());
    }
}
