package dev.softsilhouette.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --json}: stdout is exactly one JSON object (one line), whatever the command. */
class JsonOutputTest {
    @TempDir
    static Path dir;
    private static String x;
    private static String y;

    @BeforeAll
    static void files() throws IOException {
        TestData.Labelled data = TestData.clusters(60, 4, 3, 7);
        x = TestData.writeEmbeddings(dir, "x.npy", data).toString();
        y = TestData.writeLabels(dir, "y.npy", data.y()).toString();
    }

    private static Map<String, Object> oneObject(String... args) {
        CliRunner.Result r = CliRunner.run(args);
        assertEquals(0, r.status(), r.toString());
        assertEquals(1, r.out().lines().count(), "one line on stdout:\n" + r.out());
        return MiniJson.parseObject(r.out());
    }

    @Test
    void score() {
        Map<String, Object> j = oneObject("score", "--embeddings", x, "--labels", y, "--json");
        for (String key : new String[] {"score", "metric", "backend", "n", "d", "classes", "seconds"}) {
            assertTrue(j.containsKey(key), key + " in " + j);
        }
        assertEquals(60.0, j.get("n"));
        assertEquals(3.0, j.get("classes"));
    }

    @Test
    void loss() {
        Map<String, Object> j = oneObject("loss", "--embeddings", x, "--labels", y, "--tau", "0.3", "--json");
        for (String key : new String[] {"loss", "tau", "metric", "backend", "n", "d", "classes", "seconds"}) {
            assertTrue(j.containsKey(key), key + " in " + j);
        }
        assertEquals(0.3, j.get("tau"));
    }

    @Test
    void backends() {
        Map<String, Object> j = oneObject("backends", "--json");
        assertInstanceOf(String.class, j.get("auto"));
        List<?> list = assertInstanceOf(List.class, j.get("backends"));
        assertTrue(list.stream().anyMatch(b -> "reference".equals(((Map<?, ?>) b).get("name"))), j.toString());
    }

    @Test
    void demo() {
        Map<String, Object> j = oneObject("demo", "--epochs", "1", "--seeds", "1", "--plot",
                dir.resolve("p.png").toString(), "--json");
        assertEquals("digits", j.get("dataset"));
        assertInstanceOf(Map.class, j.get("cross_entropy"));
    }
}
