package dev.nemotron4j.cli;

import dev.nemotron4j.LoadProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for long work (reading weights): redrawn in place on a terminal,
 * a line per 10 % otherwise (logs stay readable). Silent for work under {@link #MIN_BYTES}.
 */
final class ProgressBar implements LoadProgress {
    static final long MIN_BYTES = 256L << 20;
    private static final int WIDTH = 30;

    private final String label;
    private final PrintStream out;
    private final boolean terminal;
    private int lastShown = -1;

    ProgressBar(String label, PrintStream out, boolean terminal) {
        this.label = label;
        this.out = out;
        this.terminal = terminal;
    }

    static ProgressBar onStderr(String label) {
        return new ProgressBar(label, System.err, System.console() != null);
    }

    @Override
    public void update(long done, long total) {
        if (total < MIN_BYTES) {
            return;
        }
        int percent = (int) (100 * done / total);
        int step = terminal ? percent : percent / 10 * 10;
        if (step == lastShown) {
            return;
        }
        lastShown = step;
        int filled = WIDTH * percent / 100;
        String line = String.format("%s [%s%s] %3d%%  %s / %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                percent, Units.bytes(done), Units.bytes(total));
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
