package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.Usage;

/**
 * The OpenAI response objects of {@code /v1/completions}: {@code text_completion}, one JSON object or one
 * per server-sent event (vLLM streams the same object type), with the same id and created time.
 */
public final class CompletionResponses {
    private final ObjectMapper mapper;
    private final String id;
    private final long created;
    private final String model;

    public CompletionResponses(ObjectMapper mapper, String id, long created, String model) {
        this.mapper = mapper;
        this.id = id;
        this.created = created;
        this.model = model;
    }

    /** The whole completion, with its usage. */
    public ObjectNode completion(String text, String finishReason, Usage usage) {
        ObjectNode root = chunk(text, finishReason);
        root.set("usage", ChatResponses.usage(mapper, usage));
        return root;
    }

    /** One streamed piece of text (maybe empty, with the finish reason on the last). */
    public ObjectNode chunk(String text, String finishReason) {
        ObjectNode root = head();
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        choice.put("text", text);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        return root;
    }

    /** The last chunk of {@code stream_options.include_usage}: no choices, only the usage. */
    public ObjectNode usageChunk(Usage usage) {
        ObjectNode root = head();
        root.putArray("choices");
        root.set("usage", ChatResponses.usage(mapper, usage));
        return root;
    }

    private ObjectNode head() {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", "text_completion");
        root.put("created", created);
        root.put("model", model);
        return root;
    }
}
