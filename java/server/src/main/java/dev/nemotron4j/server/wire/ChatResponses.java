package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.Usage;

/**
 * The OpenAI response objects of {@code /v1/chat/completions}: {@code chat.completion} (one JSON object)
 * and {@code chat.completion.chunk} (one per server-sent event), with the same id and created time.
 */
public final class ChatResponses {
    private final ObjectMapper mapper;
    private final String id;
    private final long created;
    private final String model;

    public ChatResponses(ObjectMapper mapper, String id, long created, String model) {
        this.mapper = mapper;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    public ObjectNode completion(String content, String finishReason, Usage usage) {
        ObjectNode root = head("chat.completion");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        message.put("content", content);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        root.set("usage", usage(mapper, usage));
        return root;
    }

    /** A chunk whose delta has {@code role} (the first chunk) or {@code content} (either may be null). */
    public ObjectNode chunk(String role, String content, String finishReason) {
        ObjectNode root = head("chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    /** The last chunk of {@code stream_options.include_usage}: no choices, only the usage. */
    public ObjectNode usageChunk(Usage usage) {
        ObjectNode root = head("chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(mapper, usage));
        return root;
    }

    private ObjectNode head(String object) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    static ObjectNode usage(ObjectMapper mapper, Usage usage) {
        ObjectNode node = mapper.createObjectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        node.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
        return node;
    }
}
