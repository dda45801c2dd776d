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
        String model = optionalText(body, "model");
        List<Map<String, Object>> messages = messages(body.get("messages"));
        refuseUnsupported(body);
        Generation generation;
        try {
            generation = sampling(body, defaults).build();
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        boolean stream = body.path("stream").asBoolean(false);
        boolean includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        return new ChatRequest(model, messages, generation, stream, includeUsage);
    }

    private static List<Map<String, Object>> messages(JsonNode node) {
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

    private static Generation.Builder sampling(JsonNode body, Generation.Builder g) {
        Double temperature = number(body, "temperature");
        if (temperature != null) {
            g.temperature(temperature);
        }
        Double topP = number(body, "top_p");
        if (topP != null) {
            g.topP(topP);
        }
        Integer topK = integer(body, "top_k");
        if (topK != null) {
            g.topK(topK < 0 ? 0 : topK);  // vLLM: -1 (or 0) = off
        }
        Integer maxTokens = integer(body, "max_completion_tokens");
        if (maxTokens == null) {
            maxTokens = integer(body, "max_tokens");
        }
        if (maxTokens != null) {
            if (maxTokens < 1) {
                throw ApiException.badRequest("max_tokens must be at least 1, got " + maxTokens, "max_tokens");
            }
            g.maxTokens(maxTokens);
        }
        JsonNode seed = body.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
                throw ApiException.badRequest("seed must be an integer", "seed");
            }
            g.seed(seed.asLong());
        }
        g.stop(stops(body.get("stop")));
        return g;
    }

    private static List<String> stops(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual()) {
                    throw ApiException.badRequest("stop must be a string or a list of strings", "stop");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw ApiException.badRequest("stop must be a string or a list of strings", "stop");
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string", field);
        }
        return node.asText();
    }

    private static Double number(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiException.badRequest(field + " must be a number", field);
        }
        return node.asDouble();
    }

    private static Integer integer(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest(field + " must be an integer", field);
        }
        return node.asInt();
    }
}
