package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.server.errors.ApiException;
import java.util.function.Function;

/**
 * A {@code POST /v1/completions} body, as vLLM reads it: {@code prompt} as a string, a list of token
 * ids, or a list holding one of those (one prompt per request in this slice); the sampling parameters
 * of {@link ChatRequest}. Fields not implemented ({@code echo: true}, {@code suffix}, {@code n} or
 * {@code best_of} over 1, {@code logprobs}) are refused with 400 naming them.
 *
 * @param model        the requested model name, or null (then the served one)
 * @param text         the prompt as text (to tokenize), or null when {@code tokens} is given
 * @param tokens       the prompt as token ids, or null when {@code text} is given
 * @param generation   the sampling parameters on top of the model's defaults
 * @param stream       server-sent events instead of one JSON object
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carrying the usage
 */
public record CompletionRequest(String model, String text, int[] tokens, Generation generation, boolean stream,
        boolean includeUsage) {

    /** Reads {@code body} onto {@code defaults} (the model's generation defaults). */
    public static CompletionRequest parse(JsonNode body, Generation.Builder defaults) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = Fields.optionalText(body, "model");
        JsonNode prompt = onePrompt(body.get("prompt"));
        refuseUnsupported(body);
        Generation generation;
        try {
            generation = Fields.sampling(body, defaults).build();
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        boolean stream = Fields.bool(body, "stream");
        boolean includeUsage = Fields.includeUsage(body);
        String text = prompt.isTextual() ? prompt.asText() : null;
        int[] tokens = prompt.isTextual() ? null : tokenIds(prompt, "prompt");
        return new CompletionRequest(model, text, tokens, generation, stream, includeUsage);
    }

    /** The prompt's token ids: the given ones, or {@code tokenize} applied to the text. */
    public int[] promptTokens(Function<String, int[]> tokenize) {
        return tokens != null ? tokens.clone() : tokenize.apply(text);
    }

    /** A string, a list of ids, or a one-element list of either → a string node or an id array node. */
    private static JsonNode onePrompt(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw ApiException.badRequest("prompt is required", "prompt");
        }
        if (prompt.isArray() && prompt.size() == 1 && (prompt.get(0).isTextual() || prompt.get(0).isArray())) {
            prompt = prompt.get(0);
        }
        if (prompt.isTextual()) {
            if (prompt.asText().isEmpty()) {
                throw ApiException.badRequest("prompt must not be empty", "prompt");
            }
            return prompt;
        }
        if (prompt.isArray() && !prompt.isEmpty() && prompt.get(0).isIntegralNumber()) {
            return prompt;
        }
        if (prompt.isArray() && prompt.size() > 1) {
            throw ApiException.badRequest("only one prompt per request is supported", "prompt");
        }
        throw ApiException.badRequest("prompt must be a string, a non-empty list of token ids, or a list of one of "
                + "those", "prompt");
    }

    /** A JSON array of non-negative int token ids. */
    public static int[] tokenIds(JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw ApiException.badRequest(field + " must be a list of token ids", field);
        }
        int[] ids = new int[node.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode id = node.get(i);
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
                throw ApiException.badRequest(field + "[" + i + "] must be a non-negative token id, got " + id, field);
            }
            ids[i] = id.asInt();
        }
        return ids;
    }

    private static void refuseUnsupported(JsonNode body) {
        if (Fields.bool(body, "echo")) {
            throw ApiException.badRequest("echo is not supported", "echo");
        }
        if (body.hasNonNull("suffix")) {
            throw ApiException.badRequest("suffix is not supported", "suffix");
        }
        for (String field : new String[] {"n", "best_of"}) {
            Integer value = Fields.integer(body, field);
            if (value != null && value != 1) {
                throw ApiException.badRequest("only " + field + " = 1 is supported", field);
            }
        }
        if (body.hasNonNull("logprobs")) {
            throw ApiException.badRequest("logprobs are not supported by this server yet", "logprobs");
        }
    }
}
