package dev.nemotron4j;

/** Why a generation ended (OpenAI's names). */
public enum FinishReason {
    /** The model ended its turn (an end-of-turn or stop token) or a stop string matched. */
    STOP,
    /** {@code maxTokens} was reached (or the context length). */
    LENGTH,
    /** The model called tools; the reply carries them. */
    TOOL_CALLS,
    /** The caller cancelled the stream. */
    CANCELLED;

    /** The OpenAI wire name ({@code "stop"}, {@code "length"}, {@code "tool_calls"}, {@code "cancelled"}). */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
