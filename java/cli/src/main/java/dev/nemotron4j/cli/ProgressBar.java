package dev.nemotron4j.cli;

import dev.nemotron4j.LoadProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar on stderr for long work (reading weights, uploading them to the GPU): redrawn in place
 * on a terminal, a line per 10 % otherwise (logs stay readable). Silent for work under {@link #MIN_BYTES}.
 */
final class ProgressBar implements LoadProgress {
    static final long MIN_BYTES = 256L << 20;
    private static final int WIDTH = 30;

    private final String label;
    private final PrintStream out;
    private final boolean terminal;
    private final long minTotal;
    private final boolean countsSteps;
    private int lastShown = -1;

    ProgressBar(String label, PrintStream out, boolean terminal) {
        this(label, out, terminal, MIN_BYTES, false);
    }

    private ProgressBar(String label, PrintStream out, boolean terminal, long minTotal, boolean countsSteps) {
        this.label = label;
        this.out = out;
        this.terminal = terminal;
        this.minTotal = minTotal;
        this.countsSteps = countsSteps;
    }

    /** A bar per stage of loading a model, each labelled with what it counts (see {@link LoadProgress.Stage}). */
    static LoadProgress forLoading(PrintStream out, boolean terminal) {
        ProgressBar reading = new ProgressBar("reading weights", out, terminal);
        ProgressBar uploading = new ProgressBar("uploading weights to the GPU", out, terminal);
        return new LoadProgress() {
            @Override
            public void update(long done, long total) {
                reading.update(done, total);
            }

            @Override
            public void update(Stage stage, long done, long total) {
                (stage == Stage.UPLOADING ? uploading : reading).update(done, total);
            }
        };
    }

    static LoadProgress loadingOnStderr() {
        return forLoading(System.err, System.console() != null);
    }

    /** A bar over a number of steps (benchmark measurements), shown whatever their count. */
    static ProgressBar stepsOnStderr(String label) {
        return new ProgressBar(label, System.err, System.console() != null, 0, true);
    }

    @Override
    public void update(long done, long total) {
        if (total < minTotal || total <= 0) {
            return;
        }
        int percent = (int) (100 * done / total);
        int step = terminal || countsSteps ? percent : percent / 10 * 10;
        if (step == lastShown) {
            return;
        }
        lastShown = step;
        int filled = WIDTH * percent / 100;
        String line = String.format("%s [%s%s] %3d%%  %s / %s", label, "#".repeat(filled), " ".repeat(WIDTH - filled),
                percent, countsSteps ? Long.toString(done) : Units.bytes(done),
                countsSteps ? Long.toString(total) : Units.bytes(total));
        if (terminal) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
