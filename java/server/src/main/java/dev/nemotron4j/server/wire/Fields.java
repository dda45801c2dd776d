package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading typed fields of a request body, each error a 400 naming the field; and the sampling parameters
 * under vLLM's names, shared by {@link ChatRequest} and {@link CompletionRequest}.
 */
final class Fields {
    private Fields() {}

    static Generation.Builder sampling(JsonNode body, Generation.Builder g) {
        Double temperature = number(body, "temperature");
        if (temperature != null) {
            if (temperature < 0) {
                throw ApiException.badRequest("temperature must be at least 0, got " + temperature, "temperature");
            }
            g.temperature(temperature);
        }
        Double topP = number(body, "top_p");
        if (topP != null) {
            if (!(topP > 0 && topP <= 1)) {
                throw ApiException.badRequest("top_p must be in (0, 1], got " + topP, "top_p");
            }
            g.topP(topP);
        }
        Integer topK = integer(body, "top_k");
        if (topK != null) {
            if (topK < -1) {
                throw ApiException.badRequest("top_k must be -1 (off) or at least 0, got " + topK, "top_k");
            }
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
            if (node.asText().isEmpty()) {
                throw ApiException.badRequest("stop strings must not be empty", "stop");
            }
            return List.of(node.asText());
        }
        if (node.isArray()) {
            List<String> out = new ArrayList<>();
            for (JsonNode s : node) {
                if (!s.isTextual() || s.asText().isEmpty()) {
                    throw ApiException.badRequest("stop must be a string or a list of non-empty strings", "stop");
                }
                out.add(s.asText());
            }
            return out;
        }
        throw ApiException.badRequest("stop must be a string or a list of strings", "stop");
    }

    static String optionalText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw ApiException.badRequest(field + " must be a string", field);
        }
        return node.asText();
    }

    static Double number(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw ApiException.badRequest(field + " must be a number", field);
        }
        return node.asDouble();
    }

    static Integer integer(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiException.badRequest(field + " must be an integer", field);
        }
        return node.asInt();
    }

    static boolean bool(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw ApiException.badRequest(field + " must be a boolean", field);
        }
        return node.asBoolean();
    }

    /** {@code stream_options.include_usage}. */
    static boolean includeUsage(JsonNode body) {
        JsonNode options = body.get("stream_options");
        if (options == null || options.isNull()) {
            return false;
        }
        if (!options.isObject()) {
            throw ApiException.badRequest("stream_options must be an object", "stream_options");
        }
        return bool(options, "include_usage");
    }
}
