package dev.nemotron4j.chat.parse;

import java.util.Objects;

/**
 * Text split into the model's reasoning and its answer: what one {@link ReasoningParser#push} released,
 * or, from {@link ReasoningParser#pushAll}, the whole reply.
 *
 * @param reasoning text inside {@code <think>…</think>} (never the markers)
 * @param content   text after {@code </think>}
 */
public record ReasoningSplit(String reasoning, String content) {
    static final ReasoningSplit EMPTY = new ReasoningSplit("", "");

    public ReasoningSplit {
        Objects.requireNonNull(reasoning, "reasoning");
        Objects.requireNonNull(content, "content");
    }

    public boolean isEmpty() {
        return reasoning.isEmpty() && content.isEmpty();
    }
}
