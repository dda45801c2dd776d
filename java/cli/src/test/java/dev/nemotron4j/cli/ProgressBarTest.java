package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    private static String run(long total, boolean terminal) {
        var bytes = new ByteArrayOutputStream();
        var bar = new ProgressBar("reading", new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal);
        for (long done = 0; done <= total; done += total / 1000) {
            bar.update(done, total);
        }
        bar.update(total, total);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logsGetOneLinePerTenPercent() {
        String out = run(ProgressBar.MIN_BYTES * 4, false);
        assertEquals(11, out.lines().count(), out);
        assertTrue(out.lines().reduce((a, b) -> b).orElseThrow().contains("100%"));
    }

    @Test
    void terminalsRedrawInPlaceAndEndTheLine() {
        String out = run(ProgressBar.MIN_BYTES * 4, true);
        assertEquals(101, out.chars().filter(c -> c == '\r').count());
        assertTrue(out.endsWith("\n"));
    }

    @Test
    void smallLoadsStaySilent() {
        assertEquals("", run(ProgressBar.MIN_BYTES - 1, false));
    }
}
