package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reading typed fields of a request body, each error a 400 naming the field; and the sampling parameters
 * under vLLM's names, shared by {@link ChatRequest} and {@link CompletionRequest}.
 */
final class Fields {
    /**
     * The most choices one request may ask for ({@code n}, times the prompts of a completion): each is a
     * sequence on the engine and a worker thread here; vLLM sets no bound, a public server should.
     */
    static final int MAX_CHOICES = 128;

    private Fields() {}

    /** OpenAI's {@code n}, the choices to sample per prompt: 1 when absent, else in [1, MAX_CHOICES]. */
    static int n(JsonNode body) {
        Integer n = integer(body, "n");
        if (n == null) {
            return 1;
        }
        if (n < 1 || n > MAX_CHOICES) {
            throw ApiException.badRequest("n must be in [1, " + MAX_CHOICES + "], got " + n, "n");
        }
        return n;
    }

    /** vLLM's structured-output fields; only forced tool calls are constrained here. */
    private static final String[] STRUCTURED_OUTPUT = {"guided_json", "guided_regex", "guided_choice",
        "guided_grammar", "structured_outputs"};

    static Generation.Builder sampling(JsonNode body, Generation.Builder g) {
        refuseStructuredOutput(body);
        refuseOutputOptions(body);
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
        penalties(body, g);
        Integer minTokens = integer(body, "min_tokens");
        if (minTokens != null) {
            if (minTokens < 0 || (maxTokens != null && minTokens > maxTokens)) {
                throw ApiException.badRequest("min_tokens must be in [0, max_tokens], got " + minTokens, "min_tokens");
            }
            g.minTokens(minTokens);
        }
        JsonNode ignoreEos = body.get("ignore_eos");
        if (ignoreEos != null && !ignoreEos.isNull()) {
            g.ignoreEos(bool(body, "ignore_eos"));
        }
        JsonNode stopTokenIds = body.get("stop_token_ids");
        if (stopTokenIds != null && !stopTokenIds.isNull()) {
            Set<Integer> ids = new LinkedHashSet<>();
            for (int id : CompletionRequest.tokenIds(stopTokenIds, "stop_token_ids")) {
                ids.add(id);
            }
            g.stopTokenIds(ids);
        }
        JsonNode logitBias = body.get("logit_bias");
        if (logitBias != null && !logitBias.isNull()) {
            g.logitBias(logitBias(logitBias));
        }
        Integer priority = integer(body, "priority");
        if (priority != null) {
            g.priority(priority);  // vLLM's: lower is admitted first, ties first come first served
        }
        return g;
    }

    /** vLLM's ranges: min_p in [0, 1], repetition_penalty > 0, presence / frequency in [-2, 2]. */
    private static void penalties(JsonNode body, Generation.Builder g) {
        Double minP = number(body, "min_p");
        if (minP != null) {
            if (!(minP >= 0 && minP <= 1)) {
                throw ApiException.badRequest("min_p must be in [0, 1], got " + minP, "min_p");
            }
            g.minP(minP);
        }
        Double repetition = number(body, "repetition_penalty");
        if (repetition != null) {
            if (!(repetition > 0 && Double.isFinite(repetition))) {
                throw ApiException.badRequest("repetition_penalty must be > 0, got " + repetition, "repetition_penalty");
            }
            g.repetitionPenalty(repetition);
        }
        Double presence = number(body, "presence_penalty");
        if (presence != null) {
            if (!(Math.abs(presence) <= 2)) {
                throw ApiException.badRequest("presence_penalty must be in [-2, 2], got " + presence, "presence_penalty");
            }
            g.presencePenalty(presence);
        }
        Double frequency = number(body, "frequency_penalty");
        if (frequency != null) {
            if (!(Math.abs(frequency) <= 2)) {
                throw ApiException.badRequest("frequency_penalty must be in [-2, 2], got " + frequency,
                        "frequency_penalty");
            }
            g.frequencyPenalty(frequency);
        }
    }

    /** OpenAI's {@code logit_bias}: token id (as a string key) → bias in [-100, 100]. */
    private static Map<Integer, Float> logitBias(JsonNode node) {
        if (!node.isObject()) {
            throw ApiException.badRequest("logit_bias must be an object of token id → bias", "logit_bias");
        }
        Map<Integer, Float> out = new LinkedHashMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw ApiException.badRequest("logit_bias keys must be token ids, got " + e.getKey(), "logit_bias");
            }
            double bias = e.getValue().asDouble(Double.NaN);
            if (id < 0 || !e.getValue().isNumber() || Math.abs(bias) > 100) {
                throw ApiException.badRequest("logit_bias needs token ids >= 0 with biases in [-100, 100]",
                        "logit_bias");
            }
            out.put(id, (float) bias);
        }
        return out;
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

    /** vLLM's output switches whose non-default value this server does not implement: refused, not ignored. */
    private static void refuseOutputOptions(JsonNode body) {
        if (bool(body, "include_stop_str_in_output")) {
            throw ApiException.badRequest("include_stop_str_in_output is not supported: the text ends before the "
                    + "stop string", "include_stop_str_in_output");
        }
    }

    /** A constraint the server would not apply is refused, never silently dropped. */
    private static void refuseStructuredOutput(JsonNode body) {
        for (String field : STRUCTURED_OUTPUT) {
            if (body.hasNonNull(field)) {
                throw ApiException.badRequest(field + " (structured output) is not supported; only a forced "
                        + "tool_choice constrains decoding", field);
            }
        }
        JsonNode format = body.get("response_format");
        if (format != null && !format.isNull() && !"text".equals(format.path("type").asText())) {
            throw ApiException.badRequest("response_format " + format.path("type").asText(format.toString())
                    + " is not supported (only {\"type\": \"text\"}); use a forced tool_choice for JSON arguments",
                    "response_format");
        }
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
        if (bool(options, "continuous_usage_stats")) {
            throw ApiException.badRequest("stream_options.continuous_usage_stats is not supported; include_usage "
                    + "gives the usage once, at the end", "stream_options");
        }
        return bool(options, "include_usage");
    }
}
