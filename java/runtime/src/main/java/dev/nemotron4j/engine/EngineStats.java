package dev.nemotron4j.engine;

/**
 * The engine right now: requests, steps, preemptions, the prefix cache and the cache pools.
 *
 * @param running          requests holding a sequence (decoding or prefilling)
 * @param waiting          requests queued for admission (new or preempted)
 * @param steps            batched steps run so far
 * @param preemptions      running requests whose state was dropped to make room (recomputed later)
 * @param prefixEntries    snapshots held by the prefix cache
 * @param prefixQueries    admissions that looked the prefix cache up
 * @param prefixHits       of those, how many resumed from a snapshot
 * @param prefixHitTokens  prompt tokens not recomputed thanks to the hits
 * @param stateSlots       Mamba state slots in all / free now
 * @param kvBlocks         KV blocks in all / free now (0 for a model without attention)
 * @param tokensComputed   tokens run through the model so far (prefill and decode)
 * @param largestDecodeBatch the most decode tokens one step has run together
 */
public record EngineStats(int running, int waiting, long steps, long preemptions, int prefixEntries,
        long prefixQueries, long prefixHits, long prefixHitTokens, int stateSlots, int stateSlotsFree, long kvBlocks,
        long kvBlocksFree, long tokensComputed, int largestDecodeBatch) {}
