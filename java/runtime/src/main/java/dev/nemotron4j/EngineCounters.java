package dev.nemotron4j;

/**
 * What the engine has computed since the model was loaded, for proving reuse (a session's new turn, a
 * thinking-budget cut) and for metrics.
 *
 * @param feedCalls     forward passes started (each feed of one or more tokens)
 * @param tokensFed     tokens run through the model (prompt pieces, sampled and forced tokens)
 * @param prefillTokens tokens fed in calls of more than one token (prompts, forced text)
 * @param tokensSampled tokens drawn by the sampler
 */
public record EngineCounters(long feedCalls, long tokensFed, long prefillTokens, long tokensSampled) {
    /** What happened between {@code before} and this snapshot. */
    public EngineCounters since(EngineCounters before) {
        return new EngineCounters(feedCalls - before.feedCalls, tokensFed - before.tokensFed,
                prefillTokens - before.prefillTokens, tokensSampled - before.tokensSampled);
    }
}
