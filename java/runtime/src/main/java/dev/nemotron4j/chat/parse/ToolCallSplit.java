package dev.nemotron4j.chat.parse;

import dev.nemotron4j.ToolCall;
import java.util.List;
import java.util.Objects;

/**
 * Content split from the tool calls in it: what one {@link ToolCallParser#push} released, or, from
 * {@link ToolCallParser#pushAll}, the whole content.
 *
 * @param content   text outside {@code <TOOLCALL>} blocks (and malformed blocks, verbatim)
 * @param toolCalls calls whose block closed (or ended with the reply), in order; each complete, with its
 *                  id, name and all of its arguments, which OpenAI's streaming protocol allows in a
 *                  single chunk
 */
public record ToolCallSplit(String content, List<ToolCall> toolCalls) {
    static final ToolCallSplit EMPTY = new ToolCallSplit("", List.of());

    public ToolCallSplit {
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
    }

    public boolean isEmpty() {
        return content.isEmpty() && toolCalls.isEmpty();
    }
}
