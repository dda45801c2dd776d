package dev.nemotron4j;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to generate one reply: length limits, sampling parameters (vLLM's names and semantics), stop
 * conditions and the thinking budget. Immutable; {@link #builder()} starts from vLLM's neutral defaults
 * (temperature 1, no truncation, no penalties), {@code NemotronModel.generationDefaults()} from the
 * model folder's {@code generation_config.json}. Every value is checked when built, naming the field.
 *
 * @param maxTokens         completion tokens at most (generated + forced)
 * @param minTokens         end-of-turn and stop tokens are suppressed until this many were generated
 * @param temperature       0 = greedy
 * @param topK              0 = off
 * @param topP              1 = off
 * @param minP              0 = off
 * @param repetitionPenalty 1 = off (prompt and output tokens)
 * @param presencePenalty   0 = off (output tokens), in [−2, 2]
 * @param frequencyPenalty  0 = off (output tokens), in [−2, 2]
 * @param seed              the sampling seed; null = a fresh random one per reply
 * @param logitBias         token id → bias added to its logit
 * @param stopTokenIds      extra token ids that end the reply (the model's end-of-turn ids always do)
 * @param stop              strings that end the reply; they are not part of it
 * @param ignoreEos         keep generating past the end-of-turn token (for benchmarks)
 * @param logprobs          top-N log-probabilities per token to return (0–20)
 * @param thinkingBudget    reasoning tokens at most, null = unlimited
 * @param budgetMode        how the budget cuts the reasoning
 * @param budgetForcedText  the text appended when the budget cuts (NVIDIA's {@code ".\n</think>\n\n"})
 * @param priority          scheduling priority as vLLM's: lower runs first; equal ones first come, first
 *                          served; the engine preempts the highest value (latest arrival) first
 * @param timeout           the request fails with {@link RequestTimeoutException} once this long has passed
 *                          since it was submitted (queueing included); null = no deadline
 */
public record Generation(int maxTokens, int minTokens, double temperature, int topK, double topP, double minP,
        double repetitionPenalty, double presencePenalty, double frequencyPenalty, Long seed,
        Map<Integer, Float> logitBias, Set<Integer> stopTokenIds, List<String> stop, boolean ignoreEos, int logprobs,
        Integer thinkingBudget, BudgetMode budgetMode, String budgetForcedText, int priority,
        java.time.Duration timeout) {
    /** NVIDIA's forced text: close the sentence, close the reasoning, start the answer. */
    public static final String DEFAULT_FORCED_TEXT = ".\n</think>\n\n";
    /** In {@link BudgetMode#NEWLINE}, tokens allowed past the budget while waiting for a newline. */
    public static final int NEWLINE_GRACE_TOKENS = 500;

    public Generation {
        logitBias = Map.copyOf(logitBias);
        stopTokenIds = Set.copyOf(stopTokenIds);
        stop = List.copyOf(stop);
        check(maxTokens >= 1, "maxTokens must be at least 1, got " + maxTokens);
        check(minTokens >= 0 && minTokens <= maxTokens, "minTokens must be in [0, maxTokens], got " + minTokens);
        check(temperature >= 0 && Double.isFinite(temperature), "temperature must be >= 0, got " + temperature);
        check(topK >= 0, "topK must be >= 0 (0 = off), got " + topK);
        check(topP > 0 && topP <= 1, "topP must be in (0, 1], got " + topP);
        check(minP >= 0 && minP <= 1, "minP must be in [0, 1], got " + minP);
        check(repetitionPenalty > 0 && Double.isFinite(repetitionPenalty),
                "repetitionPenalty must be > 0, got " + repetitionPenalty);
        check(Math.abs(presencePenalty) <= 2, "presencePenalty must be in [-2, 2], got " + presencePenalty);
        check(Math.abs(frequencyPenalty) <= 2, "frequencyPenalty must be in [-2, 2], got " + frequencyPenalty);
        check(logprobs >= 0 && logprobs <= 20, "logprobs must be in [0, 20], got " + logprobs);
        check(thinkingBudget == null || thinkingBudget >= 0, "thinkingBudget must be >= 0, got " + thinkingBudget);
        check(budgetMode != null, "budgetMode must be set");
        check(budgetForcedText != null && !budgetForcedText.isEmpty(), "budgetForcedText must not be empty");
        check(timeout == null || (!timeout.isNegative() && !timeout.isZero()), "timeout must be positive, got " + timeout);
        for (String s : stop) {
            check(s != null && !s.isEmpty(), "stop strings must not be empty");
        }
        for (var bias : logitBias.entrySet()) {
            check(bias.getKey() >= 0, "logitBias token id must be >= 0, got " + bias.getKey());
            check(Float.isFinite(bias.getValue()) && Math.abs(bias.getValue()) <= 100,
                    "logitBias values must be in [-100, 100], got " + bias.getValue());
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxTokens = maxTokens;
        b.minTokens = minTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.presencePenalty = presencePenalty;
        b.frequencyPenalty = frequencyPenalty;
        b.seed = seed;
        b.logitBias = logitBias;
        b.stopTokenIds = stopTokenIds;
        b.stop = stop;
        b.ignoreEos = ignoreEos;
        b.logprobs = logprobs;
        b.thinkingBudget = thinkingBudget;
        b.budgetMode = budgetMode;
        b.budgetForcedText = budgetForcedText;
        b.priority = priority;
        b.timeout = timeout;
        return b;
    }

    /** Builder for {@link Generation}; defaults are vLLM's neutral ones with {@code maxTokens} 1024. */
    public static final class Builder {
        private int maxTokens = 1024;
        private int minTokens;
        private double temperature = 1.0;
        private int topK;
        private double topP = 1.0;
        private double minP;
        private double repetitionPenalty = 1.0;
        private double presencePenalty;
        private double frequencyPenalty;
        private Long seed;
        private Map<Integer, Float> logitBias = Map.of();
        private Set<Integer> stopTokenIds = Set.of();
        private List<String> stop = List.of();
        private boolean ignoreEos;
        private int logprobs;
        private Integer thinkingBudget;
        private BudgetMode budgetMode = BudgetMode.STRICT;
        private String budgetForcedText = DEFAULT_FORCED_TEXT;
        private int priority;
        private java.time.Duration timeout;

        private Builder() {}

        public Builder maxTokens(int v) { maxTokens = v; return this; }
        public Builder minTokens(int v) { minTokens = v; return this; }
        public Builder temperature(double v) { temperature = v; return this; }
        /** Greedy decoding: temperature 0. */
        public Builder greedy() { temperature = 0; return this; }
        public Builder topK(int v) { topK = v; return this; }
        public Builder topP(double v) { topP = v; return this; }
        public Builder minP(double v) { minP = v; return this; }
        public Builder repetitionPenalty(double v) { repetitionPenalty = v; return this; }
        public Builder presencePenalty(double v) { presencePenalty = v; return this; }
        public Builder frequencyPenalty(double v) { frequencyPenalty = v; return this; }
        public Builder seed(Long v) { seed = v; return this; }
        public Builder logitBias(Map<Integer, Float> v) { logitBias = v; return this; }
        public Builder stopTokenIds(Set<Integer> v) { stopTokenIds = v; return this; }
        public Builder stop(List<String> v) { stop = v; return this; }
        public Builder ignoreEos(boolean v) { ignoreEos = v; return this; }
        public Builder logprobs(int v) { logprobs = v; return this; }
        public Builder thinkingBudget(Integer v) { thinkingBudget = v; return this; }
        public Builder budgetMode(BudgetMode v) { budgetMode = v; return this; }
        public Builder budgetForcedText(String v) { budgetForcedText = v; return this; }
        public Builder priority(int v) { priority = v; return this; }
        public Builder timeout(java.time.Duration v) { timeout = v; return this; }

        public Generation build() {
            return new Generation(maxTokens, minTokens, temperature, topK, topP, minP, repetitionPenalty,
                    presencePenalty, frequencyPenalty, seed, logitBias, stopTokenIds, stop, ignoreEos, logprobs,
                    thinkingBudget, budgetMode, budgetForcedText, priority, timeout);
        }
    }
}
