package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.Usage;

/**
 * What every object of one response shares: its id, creation time and model, written first; and the
 * usage-only chunk that ends a stream with {@code stream_options.include_usage}.
 */
record ResponseHead(ObjectMapper mapper, String id, long created, String model) {
    /** A new response object of OpenAI type {@code object}, its head filled in. */
    ObjectNode start(String object) {
        ObjectNode root = mapper.createObjectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    /** The last chunk of {@code stream_options.include_usage}: no choices, only the usage. */
    ObjectNode usageChunk(String object, Usage usage) {
        ObjectNode root = start(object);
        root.putArray("choices");
        root.set("usage", ChatResponses.usage(mapper, usage));
        return root;
    }
}
