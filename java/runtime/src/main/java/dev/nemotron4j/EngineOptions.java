package dev.nemotron4j;

/**
 * How the engine schedules and caches (vLLM's scheduler and cache settings). Immutable; build with
 * {@link #builder()}.
 *
 * @param cacheMemory      bytes for the Mamba state slots and KV blocks together; 0: 1 GiB
 * @param stateSlots       Mamba state slots (one per running sequence or prefix snapshot); 0: as many as
 *                         half of the cache memory holds, at most 256
 * @param kvBlockTokens    tokens per KV block; 0: 16
 * @param maxRunning       sequences decoded together at most (vLLM's {@code max_num_seqs}); 0: the slots
 * @param stepTokens       tokens per engine step at most (vLLM's {@code max_num_batched_tokens}): every
 *                         running sequence's decode token, then prefill chunks while they fit
 * @param prefillChunk     a prompt is prefilled in chunks of this many tokens (a long prompt never stalls
 *                         running streams for longer than one chunk)
 * @param prefixCache      reuse the state of earlier requests that share a prefix (see the README)
 * @param maxWaiting       requests waiting for admission at most; more are refused at once
 * @param maxModelLen      the context a request may fill, prompt and reply (vLLM's {@code max_model_len}); 0: the
 *                         model's {@code max_position_embeddings}; more than that is refused when the model loads
 */
public record EngineOptions(long cacheMemory, int stateSlots, int kvBlockTokens, int maxRunning, int stepTokens,
        int prefillChunk, boolean prefixCache, int maxWaiting, int maxModelLen) {
    public EngineOptions {
        require(cacheMemory >= 0, "cacheMemory must be >= 0 (0 = 1 GiB), got " + cacheMemory);
        require(stateSlots >= 0 && stateSlots <= 1 << 20, "stateSlots must be in [0, 2^20], got " + stateSlots);
        require(kvBlockTokens >= 0 && kvBlockTokens <= 4096, "kvBlockTokens must be in [0, 4096], got " + kvBlockTokens);
        require(maxRunning >= 0, "maxRunning must be >= 0 (0 = as many as there are slots), got " + maxRunning);
        require(prefillChunk >= 1, "prefillChunk must be >= 1, got " + prefillChunk);
        require(stepTokens >= prefillChunk, "stepTokens (" + stepTokens + ") must be at least prefillChunk ("
                + prefillChunk + ")");
        require(maxWaiting >= 1, "maxWaiting must be >= 1, got " + maxWaiting);
        require(maxModelLen >= 0, "maxModelLen must be >= 0 (0 = the model's context), got " + maxModelLen);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException(message);
        }
    }

    public static EngineOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().cacheMemory(cacheMemory).stateSlots(stateSlots).kvBlockTokens(kvBlockTokens)
                .maxRunning(maxRunning).stepTokens(stepTokens).prefillChunk(prefillChunk).prefixCache(prefixCache)
                .maxWaiting(maxWaiting).maxModelLen(maxModelLen);
    }

    /** Builder for {@link EngineOptions}. */
    public static final class Builder {
        private long cacheMemory;
        private int stateSlots;
        private int kvBlockTokens;
        private int maxRunning;
        private int stepTokens = 1024;
        private int prefillChunk = 512;
        private boolean prefixCache = true;
        private int maxModelLen;
        private int maxWaiting = 4096;

        private Builder() {}

        public Builder cacheMemory(long bytes) {
            this.cacheMemory = bytes;
            return this;
        }

        public Builder stateSlots(int slots) {
            this.stateSlots = slots;
            return this;
        }

        public Builder kvBlockTokens(int tokens) {
            this.kvBlockTokens = tokens;
            return this;
        }

        public Builder maxRunning(int sequences) {
            this.maxRunning = sequences;
            return this;
        }

        public Builder stepTokens(int tokens) {
            this.stepTokens = tokens;
            return this;
        }

        public Builder prefillChunk(int tokens) {
            this.prefillChunk = tokens;
            return this;
        }

        public Builder prefixCache(boolean on) {
            this.prefixCache = on;
            return this;
        }

        public Builder maxWaiting(int requests) {
            this.maxWaiting = requests;
            return this;
        }

        /** The context a request may fill (0: the model's); at most the model's. */
        public Builder maxModelLen(int tokens) {
            this.maxModelLen = tokens;
            return this;
        }

        public EngineOptions build() {
            return new EngineOptions(cacheMemory, stateSlots, kvBlockTokens, maxRunning, stepTokens, prefillChunk,
                    prefixCache, maxWaiting, maxModelLen);
        }
    }
}
