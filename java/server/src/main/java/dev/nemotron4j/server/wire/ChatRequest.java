package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.server.errors.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code POST /v1/chat/completions} body, read from JSON and checked field by field (an error names
 * the field, as {@code param}). Sampling parameters go onto the model's generation defaults under
 * vLLM's names, the thinking budget as {@code thinking_token_budget} with the extension
 * {@code thinking_budget_mode} ({@code "strict"} | {@code "newline"}); tools and
 * {@code chat_template_kwargs} go to the chat template. Fields not implemented (n > 1,
 * {@code add_generation_prompt: false}, {@code continue_final_message}, a forced {@code tool_choice}) are
 * refused with 400 rather than ignored.
 *
 * @param model          the requested model name, or null (then the served one)
 * @param messages       the conversation, as the chat template reads it ({@link ChatMessages})
 * @param generation     the sampling parameters on top of the model's defaults
 * @param stream         server-sent events instead of one JSON object
 * @param includeUsage   {@code stream_options.include_usage}: a last chunk carrying the usage
 * @param tools          OpenAI tool definitions for the template (empty: none, or {@code tool_choice: "none"})
 * @param templateKwargs {@code chat_template_kwargs}, extra variables for the template
 * @param topLogprobs    alternatives per token to return with {@code logprobs: true}; -1 = no logprobs
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, Generation generation, boolean stream,
        boolean includeUsage, List<Map<String, Object>> tools, Map<String, Object> templateKwargs, int topLogprobs) {
    /** OpenAI's and vLLM's bound on {@code top_logprobs}. */
    public static final int MAX_TOP_LOGPROBS = 20;

    /** Reads {@code body} onto {@code defaults} (the model's generation defaults). */
    public static ChatRequest parse(JsonNode body, Generation.Builder defaults) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = Fields.optionalText(body, "model");
        List<Map<String, Object>> messages = messages(body.get("messages"));
        refuseUnsupported(body);
        int topLogprobs = topLogprobs(body);
        Generation generation;
        try {
            Generation.Builder g = Fields.sampling(body, defaults);
            thinkingBudget(body, g);
            // The runtime returns top-N alternatives with each logprob; N >= 1 whenever logprobs are on.
            g.logprobs(topLogprobs < 0 ? 0 : Math.max(1, topLogprobs));
            generation = g.build();
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
        boolean stream = Fields.bool(body, "stream");
        boolean includeUsage = Fields.includeUsage(body);
        return new ChatRequest(model, messages, generation, stream, includeUsage, tools(body),
                templateKwargs(body), topLogprobs);
    }

    /** The session options this request asks for: its tools and template variables. */
    public ChatOptions chatOptions() {
        return ChatOptions.builder().tools(tools).templateKwargs(templateKwargs).build();
    }

    /** The {@code messages} array (also {@code /tokenize}'s). */
    public static List<Map<String, Object>> messages(JsonNode node) {
        return ChatMessages.parse(node);
    }

    private static void refuseUnsupported(JsonNode body) {
        Integer n = Fields.integer(body, "n");
        if (n != null && n != 1) {
            throw ApiException.badRequest("only n = 1 is supported", "n");
        }
        if (body.hasNonNull("add_generation_prompt") && !Fields.bool(body, "add_generation_prompt")) {
            throw ApiException.badRequest("add_generation_prompt: false is not supported (the reply always starts "
                    + "a new assistant turn)", "add_generation_prompt");
        }
        if (Fields.bool(body, "continue_final_message")) {
            throw ApiException.badRequest("continue_final_message is not supported", "continue_final_message");
        }
    }

    /** -1 without {@code logprobs: true}; {@code top_logprobs} alone is an error, as in vLLM. */
    private static int topLogprobs(JsonNode body) {
        boolean logprobs = Fields.bool(body, "logprobs");
        Integer top = Fields.integer(body, "top_logprobs");
        if (top != null && !logprobs) {
            throw ApiException.badRequest("top_logprobs needs logprobs: true", "top_logprobs");
        }
        if (top != null && (top < 0 || top > MAX_TOP_LOGPROBS)) {
            throw ApiException.badRequest("top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got " + top,
                    "top_logprobs");
        }
        return logprobs ? (top == null ? 0 : top) : -1;
    }

    private static void thinkingBudget(JsonNode body, Generation.Builder g) {
        Integer budget = Fields.integer(body, "thinking_token_budget");
        if (budget != null) {
            if (budget < 0) {
                throw ApiException.badRequest("thinking_token_budget must be at least 0, got " + budget,
                        "thinking_token_budget");
            }
            g.thinkingBudget(budget);
        }
        String mode = Fields.optionalText(body, "thinking_budget_mode");
        if (mode != null) {
            try {
                g.budgetMode(BudgetMode.valueOf(mode.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("thinking_budget_mode must be \"strict\" or \"newline\", got " + mode,
                        "thinking_budget_mode");
            }
        }
    }

    /**
     * {@code tools} as the template reads them. {@code tool_choice} "auto" (the default) or "none" (no tools
     * reach the template, as with no tools) are honoured; "required" or a named function are refused.
     */
    private static List<Map<String, Object>> tools(JsonNode body) {
        JsonNode choice = body.get("tool_choice");
        boolean none = false;
        if (choice != null && !choice.isNull()) {
            if (!choice.isTextual() || !(choice.asText().equals("auto") || choice.asText().equals("none"))) {
                throw ApiException.badRequest("tool_choice must be \"auto\" or \"none\" (forced tool calls are not "
                        + "supported), got " + choice, "tool_choice");
            }
            none = choice.asText().equals("none");
        }
        JsonNode tools = body.get("tools");
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw ApiException.badRequest("tools must be a list", "tools");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode tool : tools) {
            if (!"function".equals(tool.path("type").asText()) || !tool.path("function").path("name").isTextual()) {
                throw ApiException.badRequest("each tool must be {\"type\": \"function\", \"function\": {\"name\", …}}",
                        "tools");
            }
            out.add(ChatMessages.object(tool));
        }
        return none ? List.of() : out;
    }

    private static Map<String, Object> templateKwargs(JsonNode body) {
        JsonNode kwargs = body.get("chat_template_kwargs");
        if (kwargs == null || kwargs.isNull()) {
            return Map.of();
        }
        if (!kwargs.isObject()) {
            throw ApiException.badRequest("chat_template_kwargs must be an object", "chat_template_kwargs");
        }
        var fields = kwargs.fields();
        while (fields.hasNext()) {
            if (fields.next().getValue().isNull()) {
                throw ApiException.badRequest("chat_template_kwargs values must not be null", "chat_template_kwargs");
            }
        }
        return ChatMessages.object(kwargs);
    }
}
