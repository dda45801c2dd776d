package dev.nemotron4j;

/**
 * Token accounting of one generation.
 *
 * @param promptTokens     tokens of the rendered prompt
 * @param completionTokens tokens appended after the prompt: generated ones and forced ones (the
 *                         thinking-budget cut), so it is what counted against {@code maxTokens}
 * @param reasoningTokens  completion tokens up to and including the end of the reasoning
 * @param cachedTokens     prompt tokens whose state was reused instead of prefilled (session or prefix reuse)
 * @param forcedTokens     completion tokens appended by the engine rather than sampled (budget cut)
 */
public record Usage(int promptTokens, int completionTokens, int reasoningTokens, int cachedTokens, int forcedTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
