package dev.nemotron4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.LoadProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    void loadingShowsABarPerStageLabelledWithWhatItCounts() {
        var bytes = new ByteArrayOutputStream();
        LoadProgress bars = ProgressBar.forLoading(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        long total = ProgressBar.MIN_BYTES * 2;
        bars.update(LoadProgress.Stage.READING, total, total);
        bars.update(LoadProgress.Stage.UPLOADING, 0, total);
        bars.update(LoadProgress.Stage.UPLOADING, total, total);
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("reading weights [") && lines.get(0).contains("100%"), lines.get(0));
        assertTrue(lines.get(1).startsWith("uploading weights to the GPU [") && lines.get(1).contains("  0%"),
                lines.get(1));
        assertTrue(lines.get(2).startsWith("uploading weights to the GPU [") && lines.get(2).contains("100%"),
                lines.get(2));
    }

    @Test
    void smallLoadsStaySilent() {
        assertEquals("", run(ProgressBar.MIN_BYTES - 1, false));
    }
}
