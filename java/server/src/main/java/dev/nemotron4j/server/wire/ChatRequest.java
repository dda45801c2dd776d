package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body, read from JSON and checked field by field (an error names
 * the field, as {@code param}). Sampling parameters go onto the model's generation defaults under
 * vLLM's names; fields this slice does not implement yet (tools, n > 1, logprobs) are refused with 400
 * rather than ignored.
 *
 * @param model        the requested model name, or null (then the served one)
 * @param messages     system / user / assistant messages with string content, as the chat template reads them
 * @param generation   the sampling parameters on top of the model's defaults
 * @param stream       server-sent events instead of one JSON object
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carrying the usage
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, Generation generation, boolean stream,
        boolean includeUsage) {
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    /** Reads {@code body} onto {@code defaults} (the model's generation defaults). */
    public static ChatRequest parse(JsonNode body, Generation.Builder defaults) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = Fields.optionalText(body, "model");
        List<Map<String, Object>> messages = messages(body.get("messages"));
        refuseUnsupported(body);
        Generation generation;
        try {
            generation = Fields.sampling(body, defaults).build();
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        boolean stream = Fields.bool(body, "stream");
        boolean includeUsage = Fields.includeUsage(body);
        return new ChatRequest(model, messages, generation, stream, includeUsage);
    }

    /** The {@code messages} array (also {@code /tokenize}'s): string content, known roles. */
    public static List<Map<String, Object>> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("messages must be a non-empty array", "messages");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode m : node) {
            String role = m.path("role").asText(null);
            if (role == null || !ROLES.contains(role)) {
                throw ApiException.badRequest("each message needs a role of system, user or assistant; got "
                        + m.path("role"), "messages");
            }
            JsonNode content = m.get("content");
            if (content == null || !content.isTextual()) {
                throw ApiException.badRequest("message content must be a string (parts lists come later)", "messages");
            }
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", role);
            message.put("content", content.asText());
            out.add(message);
        }
        return out;
    }

    private static void refuseUnsupported(JsonNode body) {
        if (body.has("tools") && !body.get("tools").isNull() && !body.get("tools").isEmpty()) {
            throw ApiException.badRequest("tools are not supported by this server yet", "tools");
        }
        if (body.has("n") && !body.get("n").isNull() && body.get("n").asInt(1) != 1) {
            throw ApiException.badRequest("only n = 1 is supported", "n");
        }
        if (body.path("logprobs").asBoolean(false)) {
            throw ApiException.badRequest("logprobs are not supported by this server yet", "logprobs");
        }
    }
}
