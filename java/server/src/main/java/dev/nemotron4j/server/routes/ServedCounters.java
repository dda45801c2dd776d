package dev.nemotron4j.server.routes;

import dev.nemotron4j.FinishReason;
import dev.nemotron4j.Usage;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this server has answered, for {@code /metrics} (vLLM counts the same at its API layer): finished
 * requests, and the prompt and generated tokens of their usage. The engine's own counters are read from
 * the engine when scraped.
 */
public final class ServedCounters {
    final LongAdder requests = new LongAdder();
    final LongAdder promptTokens = new LongAdder();
    final LongAdder generationTokens = new LongAdder();

    /** One finished generation (cancelled ones too: their tokens were computed). */
    public void record(Usage usage, FinishReason reason) {
        requests.increment();
        promptTokens.add(usage.promptTokens());
        generationTokens.add(usage.completionTokens());
    }
}
