package dev.nemotron4j.cli;

import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.Generation;
import picocli.CommandLine.Option;

/** Sampling and budget options shared by {@code generate} and {@code chat} (a picocli mixin). */
final class SamplingOptions {
    @Option(names = "--max-tokens", paramLabel = "N", description = "completion tokens at most (default: the model's generation_config, else 1024)")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: the model's generation_config, else 1)")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling mass (default: the model's, else 1 = off)")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "keep the K most likely tokens (0 = off)")
    Integer topK;

    @Option(names = "--min-p", paramLabel = "P", description = "drop tokens below P × the most likely one's probability")
    Double minP;

    @Option(names = "--seed", paramLabel = "N", description = "sampling seed (same seed, same output)")
    Long seed;

    @Option(names = "--thinking-budget", paramLabel = "N", description = "reasoning tokens at most; then the reasoning is closed and the answer follows")
    Integer thinkingBudget;

    @Option(names = "--budget-mode", paramLabel = "MODE", defaultValue = "STRICT",
            description = "how the budget cuts: STRICT (at N) or NEWLINE (at the next newline after N, N+500 at most); default ${DEFAULT-VALUE}")
    BudgetMode budgetMode;

    /** The model's defaults with every option given here applied on top. */
    Generation apply(Generation.Builder defaults) {
        if (maxTokens != null) {
            defaults.maxTokens(maxTokens);
        }
        if (temperature != null) {
            defaults.temperature(temperature);
        }
        if (topP != null) {
            defaults.topP(topP);
        }
        if (topK != null) {
            defaults.topK(topK);
        }
        if (minP != null) {
            defaults.minP(minP);
        }
        return defaults.seed(seed).thinkingBudget(thinkingBudget).budgetMode(budgetMode).build();
    }
}
