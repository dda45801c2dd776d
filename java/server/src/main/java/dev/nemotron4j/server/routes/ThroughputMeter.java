package dev.nemotron4j.server.routes;

import dev.nemotron4j.EngineCounters;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Tokens per second for {@code /metrics}, as vLLM's {@code avg_prompt_throughput_toks_per_s} and
 * {@code avg_generation_throughput_toks_per_s}: the engine's prefilled and sampled tokens over the time
 * since the previous reading (the first: since the meter started). Readings closer together than
 * {@code MIN_WINDOW_NANOS} repeat the last rates, so two scrapers do not turn each other's windows into
 * noise. A Prometheus user can equally take {@code rate()} of the token counters.
 */
public final class ThroughputMeter {
    static final long MIN_WINDOW_NANOS = 1_000_000_000L;

    /** Prompt (prefill) and generation (sampled) tokens per second. */
    public record Rates(double promptTokensPerSecond, double generationTokensPerSecond) {}

    private final Supplier<EngineCounters> counters;
    private final LongSupplier clock;
    private long lastNanos;
    private EngineCounters last;
    private Rates rates = new Rates(0, 0);

    public ThroughputMeter(Supplier<EngineCounters> counters, LongSupplier clock) {
        this.counters = counters;
        this.clock = clock;
        this.lastNanos = clock.getAsLong();
        this.last = counters.get();
    }

    /** The rates since the previous reading (repeated when that was under {@code MIN_WINDOW_NANOS} ago). */
    public synchronized Rates read() {
        long now = clock.getAsLong();
        if (now - lastNanos < MIN_WINDOW_NANOS) {
            return rates;
        }
        EngineCounters current = counters.get();
        EngineCounters delta = current.since(last);
        double seconds = (now - lastNanos) / 1e9;
        rates = new Rates(delta.prefillTokens() / seconds, delta.tokensSampled() / seconds);
        last = current;
        lastNanos = now;
        return rates;
    }
}
