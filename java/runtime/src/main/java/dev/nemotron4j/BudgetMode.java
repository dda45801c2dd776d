package dev.nemotron4j;

/** How a thinking budget of N tokens ends the reasoning. */
public enum BudgetMode {
    /** Cut at exactly N reasoning tokens (vLLM's {@code thinking_token_budget}). */
    STRICT,
    /**
     * NVIDIA's recipe: after N tokens, end at the next newline; if none comes within
     * {@link Generation#NEWLINE_GRACE_TOKENS} more, cut there. A cut right after a newline appends the
     * forced text from its {@code </think>} on (the line is already ended); a hard cut appends all of it.
     */
    NEWLINE
}
