package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A {@code POST /v1/completions} body, as vLLM reads it: {@code prompt} as a string, a list of token
 * ids, or a list of either (one prompt each); {@code n} samples per prompt ({@code best_of}, when given,
 * must equal it); {@code logprobs: k} (0..20) for the drawn token's log-probability and the k most likely
 * alternatives; {@code echo} to prepend the prompt; the sampling parameters of {@link ChatRequest}.
 * {@code suffix} is refused with 400 (as vLLM), and so are vLLM's {@code prompt_logprobs} and {@code echo}
 * with {@code logprobs}, which ask for the prompt's log-probabilities (the runtime does not compute them).
 *
 * @param model        the requested model name, or null (then the served one)
 * @param prompts      the prompts, at least one, in request order
 * @param generation   the sampling parameters on top of the model's defaults
 * @param n            samples per prompt; prompts × n is at most 128
 * @param logprobs     the k of {@code logprobs: k}; -1 = no logprobs
 * @param echo         the prompt text comes back in front of each choice's text
 * @param stream       server-sent events instead of one JSON object
 * @param includeUsage {@code stream_options.include_usage}: a last chunk carrying the usage
 */
public record CompletionRequest(String model, List<Prompt> prompts, Generation generation, int n, int logprobs,
        boolean echo, boolean stream, boolean includeUsage) {
    /** vLLM's bound on a completion's {@code logprobs} (OpenAI's is 5). */
    public static final int MAX_LOGPROBS = 20;

    public CompletionRequest {
        prompts = List.copyOf(prompts);
    }

    /**
     * One prompt, as text (to tokenize) or as token ids (exactly one of the two is non-null).
     */
    public record Prompt(String text, int[] tokens) {
        /** The token ids: the given ones, or {@code tokenize} applied to the text. */
        public int[] tokens(Function<String, int[]> tokenize) {
            return tokens != null ? tokens.clone() : tokenize.apply(text);
        }

        /** The text: the given one, or {@code detokenize} applied to the ids (what {@code echo} returns). */
        public String text(Function<int[], String> detokenize) {
            return text != null ? text : detokenize.apply(tokens.clone());
        }
    }

    /** Reads {@code body} onto {@code defaults} (the model's generation defaults). */
    public static CompletionRequest parse(JsonNode body, Generation.Builder defaults) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = Fields.optionalText(body, "model");
        List<Prompt> prompts = prompts(body.get("prompt"));
        if (body.hasNonNull("suffix")) {
            throw ApiException.badRequest("suffix is not supported", "suffix");
        }
        if (body.hasNonNull("prompt_logprobs")) {
            throw ApiException.badRequest("prompt_logprobs are not computed by this server", "prompt_logprobs");
        }
        int n = samples(body, prompts.size());
        int logprobs = logprobs(body);
        boolean echo = Fields.bool(body, "echo");
        if (echo && logprobs >= 0) {
            throw ApiException.badRequest("echo with logprobs asks for the prompt's logprobs, which this server does "
                    + "not compute; drop echo or logprobs", "echo");
        }
        Generation generation;
        try {
            // The runtime returns top-N alternatives with each logprob; N >= 1 whenever logprobs are on.
            generation = Fields.sampling(body, defaults).logprobs(logprobs < 0 ? 0 : Math.max(1, logprobs)).build();
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        boolean stream = Fields.bool(body, "stream");
        boolean includeUsage = Fields.includeUsage(body);
        return new CompletionRequest(model, prompts, generation, n, logprobs, echo, stream, includeUsage);
    }

    /** A string, a list of ids, or a list of strings or of id lists → the prompts. */
    private static List<Prompt> prompts(JsonNode prompt) {
        if (prompt == null || prompt.isNull()) {
            throw ApiException.badRequest("prompt is required", "prompt");
        }
        if (prompt.isTextual()) {
            return List.of(onePrompt(prompt));
        }
        if (!prompt.isArray() || prompt.isEmpty()) {
            throw ApiException.badRequest("prompt must be a string, a non-empty list of token ids, or a list of "
                    + "those", "prompt");
        }
        if (prompt.get(0).isIntegralNumber()) {
            return List.of(onePrompt(prompt));
        }
        boolean texts = prompt.get(0).isTextual();
        List<Prompt> prompts = new ArrayList<>(prompt.size());
        for (JsonNode p : prompt) {
            if (texts ? !p.isTextual() : !p.isArray()) {
                throw ApiException.badRequest("a list of prompts must hold only strings or only token id lists",
                        "prompt");
            }
            prompts.add(onePrompt(p));
        }
        return prompts;
    }

    private static Prompt onePrompt(JsonNode prompt) {
        if (prompt.isTextual()) {
            if (prompt.asText().isEmpty()) {
                throw ApiException.badRequest("prompt must not be empty", "prompt");
            }
            return new Prompt(prompt.asText(), null);
        }
        if (prompt.isEmpty()) {
            throw ApiException.badRequest("a prompt of token ids must not be empty", "prompt");
        }
        return new Prompt(null, tokenIds(prompt, "prompt"));
    }

    /** {@code n}, bounded over all prompts; {@code best_of} may only repeat it (vLLM V1 has no best-of). */
    private static int samples(JsonNode body, int prompts) {
        int n = Fields.n(body);
        Integer bestOf = Fields.integer(body, "best_of");
        if (bestOf != null && bestOf != n) {
            throw ApiException.badRequest("best_of must equal n (" + n + "); choosing the best of more samples is "
                    + "not supported", "best_of");
        }
        if ((long) prompts * n > Fields.MAX_CHOICES) {
            throw ApiException.badRequest(prompts + " prompts × n = " + n + " is over " + Fields.MAX_CHOICES
                    + " choices in one request", n > 1 ? "n" : "prompt");
        }
        return n;
    }

    /** -1 without {@code logprobs}; else its k in [0, 20]. */
    private static int logprobs(JsonNode body) {
        Integer k = Fields.integer(body, "logprobs");
        if (k == null) {
            return -1;
        }
        if (k < 0 || k > MAX_LOGPROBS) {
            throw ApiException.badRequest("logprobs must be in [0, " + MAX_LOGPROBS + "], got " + k, "logprobs");
        }
        return k;
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
}
