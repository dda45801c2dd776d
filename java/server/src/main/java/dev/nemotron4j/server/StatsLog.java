package dev.nemotron4j.server;

import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.engine.EngineStats;
import dev.nemotron4j.server.routes.ThroughputMeter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A line every interval while the server has work, as vLLM's periodic stats: prompt and generation
 * tokens/s, requests running and waiting, cache use. Quiet when nothing ran and nothing waits, so an
 * idle server's log stays empty. {@link #close()} stops it.
 */
public final class StatsLog implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private StatsLog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts logging {@code model}'s engine to {@code out} every {@code interval}. */
    public static StatsLog start(NemotronModel model, Duration interval, Consumer<String> out) {
        ThroughputMeter meter = new ThroughputMeter(model::counters, System::nanoTime);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nemotron4j-stats");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1000, interval.toMillis());
        timer.scheduleAtFixedRate(() -> {
            String line = line(meter.read(), model.engine().stats());
            if (line != null) {
                out.accept(line);
            }
        }, millis, millis, TimeUnit.MILLISECONDS);
        return new StatsLog(timer);
    }

    /** The line for one interval, or null when it saw no work. */
    static String line(ThroughputMeter.Rates rates, EngineStats s) {
        boolean busy = rates.promptTokensPerSecond() > 0 || rates.generationTokensPerSecond() > 0
                || s.running() > 0 || s.waiting() > 0;
        if (!busy) {
            return null;
        }
        double kv = s.kvBlocks() == 0 ? 0 : 100.0 * (s.kvBlocks() - s.kvBlocksFree()) / s.kvBlocks();
        double slots = s.stateSlots() == 0 ? 0 : 100.0 * (s.stateSlots() - s.stateSlotsFree()) / s.stateSlots();
        return String.format(Locale.ROOT, "%.1f prompt tokens/s, %.1f generated tokens/s; %d running, %d waiting; "
                + "KV cache %.1f %%, state slots %.1f %% in use", rates.promptTokensPerSecond(),
                rates.generationTokensPerSecond(), s.running(), s.waiting(), kv, slots);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
