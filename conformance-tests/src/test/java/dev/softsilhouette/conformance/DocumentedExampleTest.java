package dev.softsilhouette.conformance;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/conformance.md shows the POM of examples/third-party-backend, the project the build runs the kit on as a third
 * party would: the page must show that file as it is.
 */
class DocumentedExampleTest {

    @Test
    void theDocumentedPomIsTheExampleProjectsPom() throws IOException {
        Path root = SpecificationCitationsTest.repositoryRoot();
        String pom = Files.readString(root.resolve("examples/third-party-backend/pom.xml")).strip();
        String page = Files.readString(root.resolve("docs/conformance.md"));
        assertTrue(page.contains("```xml\n" + pom + "\n```"),
                "docs/conformance.md (\"The POM\") must show examples/third-party-backend/pom.xml exactly");
    }
}
