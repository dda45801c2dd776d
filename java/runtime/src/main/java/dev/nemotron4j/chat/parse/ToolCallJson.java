package dev.nemotron4j.chat.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON between {@code <TOOLCALL>} and {@code </TOOLCALL>} → (name, arguments) pairs, all or nothing:
 * a body that is not valid JSON of the expected shape yields empty, and the caller gives the whole block
 * back as content. No exception escapes: model output is data, not a contract.
 */
final class ToolCallJson {
    /** One call as the model wrote it; the parser adds the id once the whole block is known good. */
    record Parsed(String name, String arguments) {}

    // Exact decimals: arguments are re-serialized, and 0.10 or a 20-digit id must reach the tool as written
    // (Python's json.dumps would print 0.1). Trailing tokens ("[…] and more") make the block malformed.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ToolCallJson() {}

    /**
     * Reads a block's body: a JSON array of {@code {"name": string, "arguments": object | string}}; a lone
     * object is accepted as a one-call array (NVIDIA's own parser adds missing brackets too). Missing or
     * null arguments become {@code {}}, what OpenAI sends for a function without parameters.
     */
    static Optional<List<Parsed>> parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty();
        }
        List<JsonNode> elements = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(elements::add);
        } else {
            elements.add(root);
        }
        List<Parsed> calls = new ArrayList<>(elements.size());
        for (JsonNode element : elements) {
            Optional<Parsed> call = call(element);
            if (call.isEmpty()) {
                return Optional.empty();
            }
            calls.add(call.get());
        }
        return Optional.of(List.copyOf(calls));
    }

    private static Optional<Parsed> call(JsonNode element) {
        if (!element.isObject()) {
            return Optional.empty();
        }
        JsonNode name = element.get("name");
        if (name == null || !name.isTextual() || name.asText().isBlank()) {
            return Optional.empty();
        }
        JsonNode arguments = element.get("arguments");
        String text;
        if (arguments == null || arguments.isNull()) {
            text = "{}";
        } else if (arguments.isTextual()) {
            text = arguments.asText(); // already JSON text, as the template renders a string argument
        } else {
            text = compact(arguments);
        }
        return Optional.of(new Parsed(name.asText(), text));
    }

    private static String compact(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // A tree that was just parsed always serializes; this would be a Jackson bug.
            throw new IllegalStateException("cannot serialize parsed arguments", e);
        }
    }
}
