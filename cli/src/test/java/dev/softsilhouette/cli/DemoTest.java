package dev.softsilhouette.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short demo run: trains both models, reports on the test set and writes a readable PNG. */
class DemoTest {
    @TempDir
    Path dir;

    @Test
    void shortRunReportsBothModelsAndWritesThePlot() throws IOException {
        Path plot = dir.resolve("demo.png");
        CliRunner.Result r = CliRunner.run("demo", "--epochs", "4", "--seeds", "2", "--plot", plot.toString());
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("A cross-entropy"), r.out());
        assertTrue(r.out().contains("B + 1.0 x soft silhouette"), r.out());
        assertTrue(r.out().contains("accuracy, B minus A"), r.out());
        // Two seeds are too few to call a difference beyond the seed-to-seed spread.
        assertTrue(r.out().contains("fewer than 5 seeds, not judged."), r.out());
        assertTrue(r.out().contains("test set (539 rows)"), r.out());
        BufferedImage image = ImageIO.read(plot.toFile());
        assertNotNull(image, "a PNG ImageIO can read");
        assertEquals(1500, image.getWidth());
        // Not a blank canvas: the scatter panels hold coloured points.
        int coloured = 0;
        for (int yy = 100; yy < 600; yy += 3) {
            for (int xx = 40; xx < 1250; xx += 3) {
                int rgb = image.getRGB(xx, yy);
                int red = rgb >> 16 & 0xff;
                int green = rgb >> 8 & 0xff;
                int blue = rgb & 0xff;
                if (Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue)) > 60) {
                    coloured++;
                }
            }
        }
        assertTrue(coloured > 200, "coloured pixels in the scatter panels: " + coloured);
    }

    @Test
    void withLambdaZeroBothModelsTrainIdentically() throws IOException {
        // Same seed: same initialization and batch order; lambda 0 adds nothing, so any difference between A and B
        // would come from the harness, not from the loss.
        Path plot = dir.resolve("zero.jpg");
        CliRunner.Result r = CliRunner.run("demo", "--epochs", "3", "--seeds", "2", "--lambda", "0", "--plot",
                plot.toString(), "--json");
        assertEquals(0, r.status(), r.toString());
        byte[] start = Files.readAllBytes(plot);
        assertTrue((start[0] & 0xff) == 0xFF && (start[1] & 0xff) == 0xD8, "a .jpg plot is a JPEG (FF D8 ...)");
        Map<String, Object> j = MiniJson.parseObject(r.out());
        List<?> a = (List<?>) ((Map<?, ?>) j.get("cross_entropy")).get("accuracy_per_seed");
        List<?> b = (List<?>) ((Map<?, ?>) j.get("cross_entropy_plus_soft_silhouette")).get("accuracy_per_seed");
        assertEquals(a, b);
        assertEquals(0.0, j.get("accuracy_difference_mean"));
    }

    @Test
    void shortRunWritesTheTableAndThePlot() throws IOException {
        Path table = dir.resolve("compare.md");
        Path plot = dir.resolve("compare.png");
        CliRunner.Result r = CliRunner.run("demo", "--compare", "--epochs", "2", "--seeds", "2", "--table",
                table.toString(), "--plot", plot.toString());
        assertEquals(0, r.status(), r.toString());
        String md = Files.readString(table);
        for (String arm : new String[] {"CE", "CE + SupCon", "CE + silhouette", "CE + SupCon + silhouette"}) {
            assertTrue(md.contains("| " + arm + " | "), md);
        }
        assertTrue(md.contains("fewer than 5 seeds, not judged."), md);
        assertTrue(r.out().contains(md.substring(0, 40)), r.out());
        assertNotNull(ImageIO.read(plot.toFile()), "a PNG ImageIO can read");
    }

    @Test
    void compareOptionsNeedCompare() {
        CliRunner.Result r = CliRunner.run("demo", "--supcon-weight", "2");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("go with --compare"), r.err());
    }
}
