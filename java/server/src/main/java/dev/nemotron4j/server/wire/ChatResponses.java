package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.ToolCall;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The OpenAI response objects of {@code /v1/chat/completions}: {@code chat.completion} (one JSON object)
 * and {@code chat.completion.chunk} (one per server-sent event), with the same id and created time; and
 * their parts: the message (content, reasoning under both vLLM names, tool calls), {@code logprobs}
 * ({@code {"content": [{token, logprob, bytes, top_logprobs}]}}) and usage.
 */
public final class ChatResponses {
    private static final String CHUNK = "chat.completion.chunk";

    private final ObjectMapper mapper;
    private final ResponseHead head;

    public ChatResponses(ObjectMapper mapper, String id, long created, String model) {
        this.mapper = mapper;
        this.head = new ResponseHead(mapper, id, created, model);
    }

    /** One {@code chat.completion}: its {@link #choice choices}, in index order, and the usage over all. */
    public ObjectNode completion(List<ObjectNode> choices, Usage usage) {
        ObjectNode root = head.start("chat.completion");
        root.putArray("choices").addAll(choices);
        root.set("usage", usage(mapper, usage));
        return root;
    }

    /**
     * One choice of a {@code chat.completion}: choice {@code index}'s message.
     *
     * @param reasoning the split-out reasoning (null: no reasoning parser, the fields are left out; empty:
     *                  they are null)
     * @param logprobs  the {@link #logprobs} node, or null
     */
    public ObjectNode choice(int index, String content, String reasoning, List<ToolCall> toolCalls, JsonNode logprobs,
            String finishReason) {
        ObjectNode choice = mapper.createObjectNode();
        choice.put("index", index);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        // OpenAI: a reply that only calls tools has null content.
        message.put("content", content.isEmpty() && !toolCalls.isEmpty() ? null : content);
        if (reasoning != null) {
            putReasoning(message, reasoning.isEmpty() ? null : reasoning);
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls(toolCalls, 0, false));
        }
        choice.set("logprobs", logprobs);
        choice.put("finish_reason", finishReason);
        return choice;
    }

    /** A chunk of choice {@code index} whose delta has {@code role} (its first) or {@code content} (or neither). */
    public ObjectNode chunk(int index, String role, String content, String finishReason) {
        ObjectNode delta = mapper.createObjectNode();
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        return chunk(index, delta, null, finishReason);
    }

    /**
     * A chunk of choice {@code index} carrying {@code delta} (built with {@link #delta}), {@code logprobs} (or
     * null) and the finish.
     */
    public ObjectNode chunk(int index, ObjectNode delta, JsonNode logprobs, String finishReason) {
        ObjectNode root = head.start(CHUNK);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", index);
        choice.set("delta", delta);
        choice.set("logprobs", logprobs);
        choice.put("finish_reason", finishReason);
        return root;
    }

    /**
     * A streamed delta: {@code reasoning} (under both names) and {@code content}, each left out when empty,
     * and {@code toolCalls} numbered from {@code firstToolIndex}.
     */
    public ObjectNode delta(String reasoning, String content, List<ToolCall> toolCalls, int firstToolIndex) {
        ObjectNode delta = mapper.createObjectNode();
        if (!reasoning.isEmpty()) {
            putReasoning(delta, reasoning);
        }
        if (!content.isEmpty()) {
            delta.put("content", content);
        }
        if (!toolCalls.isEmpty()) {
            delta.set("tool_calls", toolCalls(toolCalls, firstToolIndex, true));
        }
        return delta;
    }

    /** The last chunk of {@code stream_options.include_usage}: no choices, only the usage. */
    public ObjectNode usageChunk(Usage usage) {
        return head.usageChunk(CHUNK, usage);
    }

    /**
     * OpenAI's chat {@code logprobs}: per token its text, log-probability, UTF-8 bytes and the
     * {@code top} most likely alternatives; {@code text} decodes one token id.
     */
    public ObjectNode logprobs(List<SampledToken> tokens, int top, IntFunction<String> text) {
        ObjectNode root = mapper.createObjectNode();
        ArrayNode content = root.putArray("content");
        for (SampledToken t : tokens) {
            ObjectNode entry = logprob(content.addObject(), text.apply(t.token()), t.logprob());
            ArrayNode alternatives = entry.putArray("top_logprobs");
            for (SampledToken.TopLogprob alt : t.top().subList(0, Math.min(top, t.top().size()))) {
                logprob(alternatives.addObject(), text.apply(alt.token()), alt.logprob());
            }
        }
        return root;
    }

    private static ObjectNode logprob(ObjectNode node, String token, float logprob) {
        node.put("token", token);
        // -inf (a token masked out) is not JSON; OpenAI clients read -9999 as "impossible".
        node.put("logprob", Float.isFinite(logprob) ? logprob : -9999f);
        ArrayNode bytes = node.putArray("bytes");
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return node;
    }

    private ArrayNode toolCalls(List<ToolCall> calls, int firstIndex, boolean indexed) {
        ArrayNode out = mapper.createArrayNode();
        int index = firstIndex;
        for (ToolCall call : calls) {
            ObjectNode node = out.addObject();
            if (indexed) {
                node.put("index", index++);
            }
            node.put("id", call.id());
            node.put("type", "function");
            node.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        }
        return out;
    }

    /** vLLM's reasoning parsers answer with both names; clients read one or the other. */
    private static void putReasoning(ObjectNode node, String reasoning) {
        node.put("reasoning_content", reasoning);
        node.put("reasoning", reasoning);
    }

    static ObjectNode usage(ObjectMapper mapper, Usage usage) {
        ObjectNode node = mapper.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        node.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens());
        return node;
    }
}
