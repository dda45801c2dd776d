package dev.nemotron4j.server.wire;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.BudgetMode;
import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.Generation;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ReplyStart;
import dev.nemotron4j.ToolChoice;
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
 * {@code chat_template_kwargs} go to the chat template; {@code n} asks for that many independent replies;
 * {@code add_generation_prompt} and {@code continue_final_message} say where the reply starts
 * ({@link ReplyStart}); {@code tool_choice} {@code "required"} or a named function forces a tool call
 * (constrained decoding, {@link ToolChoice}).
 *
 * @param model          the requested model name, or null (then the served one)
 * @param messages       the conversation, as the chat template reads it ({@link ChatMessages})
 * @param generation     the sampling parameters on top of the model's defaults
 * @param stream         server-sent events instead of one JSON object
 * @param includeUsage   {@code stream_options.include_usage}: a last chunk carrying the usage
 * @param tools          OpenAI tool definitions for the template (empty: none, or {@code tool_choice: "none"})
 * @param templateKwargs {@code chat_template_kwargs}, extra variables for the template
 * @param topLogprobs    alternatives per token to return with {@code logprobs: true}; -1 = no logprobs
 * @param n              how many replies (choices) to sample, in [1, 128]
 * @param replyStart     a new assistant message (the default), the final message continued, or no generation prompt
 * @param toolChoice     {@code tool_choice}: auto (the default), none, required or one function
 * @param parallelToolCalls {@code parallel_tool_calls} (default true): false makes "required" one call
 */
public record ChatRequest(String model, List<Map<String, Object>> messages, Generation generation, boolean stream,
        boolean includeUsage, List<Map<String, Object>> tools, Map<String, Object> templateKwargs, int topLogprobs,
        int n, ReplyStart replyStart, ToolChoice toolChoice, boolean parallelToolCalls) {
    /** OpenAI's and vLLM's bound on {@code top_logprobs}. */
    public static final int MAX_TOP_LOGPROBS = 20;

    /** Reads {@code body} onto {@code defaults} (the model's generation defaults). */
    public static ChatRequest parse(JsonNode body, Generation.Builder defaults) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = Fields.optionalText(body, "model");
        List<Map<String, Object>> messages = messages(body.get("messages"));
        ReplyStart replyStart = replyStart(body, messages);
        if (Fields.bool(body, "echo")) {
            throw ApiException.badRequest("echo is not supported on chat completions", "echo");
        }
        int n = Fields.n(body);
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
        List<Map<String, Object>> tools = tools(body);
        ToolChoice toolChoice = toolChoice(body);
        ChatRequest request = new ChatRequest(model, messages, generation, stream, includeUsage, tools,
                templateKwargs(body), topLogprobs, n, replyStart, toolChoice,
                !body.hasNonNull("parallel_tool_calls") || Fields.bool(body, "parallel_tool_calls"));
        try {
            request.chatOptions();  // checks the tool choice against the tools
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest(e.getMessage(), "tool_choice");
        }
        return request;
    }

    /** The session options this request asks for: its tools, tool choice and template variables. */
    public ChatOptions chatOptions() {
        return ChatOptions.builder().tools(tools).toolChoice(toolChoice).parallelToolCalls(parallelToolCalls)
                .templateKwargs(templateKwargs).build();
    }

    /** The {@code messages} array (also {@code /tokenize}'s). */
    public static List<Map<String, Object>> messages(JsonNode node) {
        return ChatMessages.parse(node);
    }

    /**
     * vLLM's {@code add_generation_prompt} (default true) and {@code continue_final_message} (default false);
     * continuing needs a final assistant message. Continuing without saying {@code add_generation_prompt:
     * false} is taken to mean it (vLLM refuses that combination only when both are given as true).
     */
    public static ReplyStart replyStart(JsonNode body, List<Map<String, Object>> messages) {
        boolean continueFinal = Fields.bool(body, "continue_final_message");
        boolean addPrompt = !body.hasNonNull("add_generation_prompt") || Fields.bool(body, "add_generation_prompt");
        if (!continueFinal) {
            return addPrompt ? ReplyStart.NEW_ASSISTANT_MESSAGE : ReplyStart.NO_GENERATION_PROMPT;
        }
        if (body.hasNonNull("add_generation_prompt") && addPrompt) {
            throw ApiException.badRequest("cannot set both continue_final_message and add_generation_prompt to true",
                    "continue_final_message");
        }
        if (!"assistant".equals(messages.get(messages.size() - 1).get("role"))) {
            throw ApiException.badRequest("continue_final_message continues the last message, which must be the "
                    + "assistant's; it is " + messages.get(messages.size() - 1).get("role") + "'s",
                    "continue_final_message");
        }
        return ReplyStart.CONTINUE_FINAL_MESSAGE;
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

    /** {@code tools} as the template reads them ({@code tool_choice: "none"} keeps them from it). */
    public static List<Map<String, Object>> tools(JsonNode body) {
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
        return out;
    }

    /** OpenAI's {@code tool_choice}: "auto" (the default), "none", "required" or {"type": "function", …}. */
    private static ToolChoice toolChoice(JsonNode body) {
        JsonNode choice = body.get("tool_choice");
        if (choice == null || choice.isNull()) {
            return ToolChoice.AUTO;
        }
        if (choice.isTextual()) {
            switch (choice.asText()) {
                case "auto":
                    return ToolChoice.AUTO;
                case "none":
                    return ToolChoice.NONE;
                case "required":
                    return ToolChoice.REQUIRED;
                default:
                    break;
            }
        } else if (choice.isObject() && "function".equals(choice.path("type").asText())
                && choice.path("function").path("name").isTextual()
                && !choice.path("function").path("name").asText().isBlank()) {
            return ToolChoice.function(choice.path("function").path("name").asText());
        }
        throw ApiException.badRequest("tool_choice must be \"auto\", \"none\", \"required\" or {\"type\": \"function\", "
                + "\"function\": {\"name\": …}}, got " + choice, "tool_choice");
    }

    /** {@code chat_template_kwargs}: extra template variables (none null). */
    public static Map<String, Object> templateKwargs(JsonNode body) {
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
