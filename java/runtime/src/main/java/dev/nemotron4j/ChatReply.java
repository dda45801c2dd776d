package dev.nemotron4j;

import dev.nemotron4j.generation.SampledToken;
import java.util.List;

/**
 * A finished reply.
 *
 * @param reasoning    the model's reasoning (the text before {@code </think>}), stripped; empty without thinking
 * @param content      the answer
 * @param toolCalls    tools the model called (then {@code finishReason} is TOOL_CALLS)
 * @param finishReason why generation ended
 * @param usage        token accounting
 * @param tokenIds     every completion token id (generated and forced), in order
 * @param logprobs     per generated token, its log-probability and the top alternatives (empty unless
 *                     {@code Generation.logprobs} was set)
 */
public record ChatReply(String reasoning, String content, List<ToolCall> toolCalls, FinishReason finishReason,
        Usage usage, List<Integer> tokenIds, List<SampledToken> logprobs) {
    public ChatReply {
        toolCalls = List.copyOf(toolCalls);
        tokenIds = List.copyOf(tokenIds);
        logprobs = List.copyOf(logprobs);
    }
}
