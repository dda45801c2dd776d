package dev.nemotron4j;

import java.util.List;

/**
 * One streamed piece of a reply: new reasoning text, new answer text, tool calls that completed, and on
 * the last delta the finish reason. Concatenating every delta's reasoning (content) gives the reply's
 * reasoning (content) up to surrounding whitespace.
 */
public record Delta(String reasoning, String content, List<ToolCall> toolCalls, FinishReason finishReason) {
    public Delta {
        reasoning = reasoning == null ? "" : reasoning;
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public boolean isEmpty() {
        return reasoning.isEmpty() && content.isEmpty() && toolCalls.isEmpty() && finishReason == null;
    }
}
