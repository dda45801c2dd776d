package dev.nemotron4j;

import dev.nemotron4j.generation.SampledToken;
import java.util.List;

/**
 * One streamed piece of a reply: new reasoning text, new answer text, tool calls that completed, and on
 * the last delta the finish reason. Concatenating every delta's reasoning (content) gives the reply's
 * reasoning (content) up to surrounding whitespace, which the split trims.
 *
 * @param text the same step's text exactly as generated, reasoning, {@code </think>} and answer in one
 *             stream (cut at a stop string; with tools, a parsed tool-call block left out and the text
 *             around it trimmed as in {@code content}): what vLLM returns as {@code content} without a
 *             reasoning parser
 * @param logprobs the tokens drawn since the previous delta, with their log-probabilities (when
 *             {@code Generation.logprobs} is set; else empty): text a stage held back arrives with a later
 *             delta, and the last delta carries whatever is left, so the deltas' lists concatenate to
 *             {@link ChatReply#logprobs()}
 */
public record Delta(String reasoning, String content, List<ToolCall> toolCalls, FinishReason finishReason,
        String text, List<SampledToken> logprobs) {
    public Delta {
        reasoning = reasoning == null ? "" : reasoning;
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        text = text == null ? "" : text;
        logprobs = logprobs == null ? List.of() : List.copyOf(logprobs);
    }

    public boolean isEmpty() {
        return reasoning.isEmpty() && content.isEmpty() && toolCalls.isEmpty() && finishReason == null
                && text.isEmpty() && logprobs.isEmpty();
    }
}
