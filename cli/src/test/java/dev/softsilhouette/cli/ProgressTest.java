package dev.softsilhouette.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress bar draws only on a terminal, only after a second, and erases itself. */
class ProgressTest {

    private static String drive(boolean terminal, long total, long sleepMillis) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             Progress p = new Progress(err, terminal, "work", total)) {
            p.update(1, "step one");
            Thread.sleep(sleepMillis);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void silentWhenNotATerminal() throws InterruptedException {
        assertEquals("", drive(false, 4, 1400));
    }

    @Test
    void silentForWorkUnderASecond() throws InterruptedException {
        assertEquals("", drive(true, 4, 100));
    }

    @Test
    void drawsAfterASecondOnATerminalAndErasesItself() throws InterruptedException {
        String out = drive(true, 4, 2000);
        assertTrue(out.contains("work [#######"), out);
        assertTrue(out.contains("1/4"), out);
        assertTrue(out.contains("step one"), out);
        assertTrue(out.endsWith("\r\033[K"), "erased at the end: " + out);
    }

    @Test
    void oneLongStepShowsElapsedTime() throws InterruptedException {
        String out = drive(true, 0, 2000);
        assertTrue(out.contains("work running "), out);
    }
}
