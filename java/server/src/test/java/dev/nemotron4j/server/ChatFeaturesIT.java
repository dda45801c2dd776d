package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.Generation;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.ReplyStart;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat features over loopback on the bundled model: the reasoning parser on (a second server on the same
 * model) and off, vLLM sampling names, logprobs and tools, each checked against a {@code ChatSession} run.
 */
class ChatFeaturesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUESTION = "What is 2+3?";
    private static final int MAX_TOKENS = 24;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static NemotronModel model;
    private static OpenAiServer plain;
    private static OpenAiServer parsing;

    @BeforeAll
    static void start() {
        model = NemotronModel.load(BundledModel.directory());
        ServerOptions options = new ServerOptions("127.0.0.1", 0, null, BundledModel.NAME);
        plain = OpenAiServer.start(model, options);
        parsing = OpenAiServer.start(model, options.withReasoningParser("nemotron"));
    }

    @AfterAll
    static void stop() {
        plain.close();
        parsing.close();
        model.close();
    }

    private static JsonNode chat(OpenAiServer server, Map<String, Object> extra) throws IOException, InterruptedException {
        Map<String, Object> body = new HashMap<>(Map.of("temperature", 0, "max_tokens", MAX_TOKENS,
                "messages", List.of(Map.of("role", "user", "content", QUESTION))));
        body.putAll(extra);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        if (Boolean.TRUE.equals(extra.get("stream"))) {
            return streamed(response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The chunks of a stream folded into one message: reasoning, content and the finish reason. */
    private static JsonNode streamed(String body) throws IOException {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder reasoningAlias = new StringBuilder();
        StringBuilder content = new StringBuilder();
        var folded = JSON.createObjectNode();
        for (String line : body.split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode choices = JSON.readTree(line.substring("data: ".length())).get("choices");
            if (choices.isEmpty()) {
                continue;
            }
            JsonNode delta = choices.get(0).get("delta");
            reasoning.append(delta.path("reasoning_content").asText(""));
            reasoningAlias.append(delta.path("reasoning").asText(""));
            content.append(delta.path("content").asText(""));
            if (!choices.get(0).get("finish_reason").isNull()) {
                folded.put("finish_reason", choices.get(0).get("finish_reason").asText());
            }
        }
        assertEquals(reasoning.toString(), reasoningAlias.toString());
        return folded.put("reasoning", reasoning.toString()).put("content", content.toString());
    }

    private static ChatReply reference(Generation.Builder generation) {
        try (var chat = model.newChat(ChatOptions.defaults())) {
            return chat.send(QUESTION, generation.greedy().maxTokens(MAX_TOKENS).build());
        }
    }

    @Test
    void aReasoningParserSplitsTheReasoningOut() throws Exception {
        ChatReply reply = reference(model.generationDefaults());
        JsonNode message = chat(parsing, Map.of()).get("choices").get(0).get("message");
        assertEquals(reply.content(), message.get("content").asText());
        if (reply.reasoning().isEmpty()) {
            assertTrue(message.get("reasoning_content").isNull());
        } else {
            assertEquals(reply.reasoning(), message.get("reasoning_content").asText());
            assertEquals(reply.reasoning(), message.get("reasoning").asText());
        }
        JsonNode usage = chat(parsing, Map.of()).get("usage");
        assertEquals(reply.usage().reasoningTokens(), usage.get("completion_tokens_details").get("reasoning_tokens")
                .asInt());

        JsonNode stream = chat(parsing, Map.of("stream", true));
        assertEquals(reply.content(), stream.get("content").asText().strip());
        assertEquals(reply.reasoning(), stream.get("reasoning").asText().strip());
        assertEquals(reply.finishReason().wireName(), stream.get("finish_reason").asText());
    }

    @Test
    void theThinkingBudgetCutsTheReasoning() throws Exception {
        ChatReply reply = reference(model.generationDefaults().thinkingBudget(4));
        assertFalse(reply.reasoning().isEmpty(), "the bundled model's template starts in reasoning");
        JsonNode root = chat(parsing, Map.of("thinking_token_budget", 4, "thinking_budget_mode", "strict"));
        JsonNode message = root.get("choices").get(0).get("message");
        assertEquals(reply.reasoning(), message.get("reasoning_content").asText());
        assertEquals(reply.content(), message.get("content").asText());
        assertEquals(reply.usage().reasoningTokens(),
                root.get("usage").get("completion_tokens_details").get("reasoning_tokens").asInt());
    }

    @Test
    void withoutAParserTheContentIsTheWholeText() throws Exception {
        JsonNode message = chat(plain, Map.of()).get("choices").get(0).get("message");
        assertFalse(message.has("reasoning_content"));
        assertFalse(message.has("reasoning"));
        JsonNode stream = chat(plain, Map.of("stream", true));
        assertEquals(message.get("content").asText(), stream.get("content").asText());
        assertEquals("", stream.get("reasoning").asText());
    }

    @Test
    void stopTokenIdsEndTheReply() throws Exception {
        ChatReply reply = reference(model.generationDefaults());
        List<Integer> ids = reply.tokenIds();
        int stopAt = Math.min(3, ids.size() - 1);
        int id = ids.get(stopAt);
        JsonNode root = chat(plain, Map.of("stop_token_ids", List.of(id), "min_p", 0.05));
        assertEquals("stop", root.get("choices").get(0).get("finish_reason").asText());
        assertEquals(ids.indexOf(id) + 1, root.get("usage").get("completion_tokens").asInt());
    }

    @Test
    void logprobsHaveOneEntryPerToken() throws Exception {
        JsonNode root = chat(plain, Map.of("logprobs", true, "top_logprobs", 2));
        JsonNode content = root.get("choices").get(0).get("logprobs").get("content");
        assertEquals(root.get("usage").get("completion_tokens").asInt(), content.size());
        for (JsonNode entry : content) {
            assertTrue(entry.get("token").isTextual());
            assertTrue(entry.get("logprob").asDouble() <= 0);
            assertEquals(2, entry.get("top_logprobs").size());
            // Greedy: the drawn token is the most likely one.
            assertEquals(entry.get("top_logprobs").get(0).get("logprob").asDouble(), entry.get("logprob").asDouble(),
                    1e-4);
        }
        JsonNode stream = chat(plain, Map.of("logprobs", true, "stream", true));
        assertTrue(stream.has("finish_reason"));
    }

    @Test
    void toolsAndToolHistoryReachTheTemplate() throws Exception {
        List<Map<String, Object>> tools = List.of(Map.of("type", "function", "function", Map.of("name", "add",
                "description", "adds two numbers", "parameters", Map.of("type", "object",
                        "properties", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number"))))));
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", QUESTION),
                Map.of("role", "assistant", "content", "", "tool_calls", List.of(Map.of("id", "call_1",
                        "type", "function", "function", Map.of("name", "add", "arguments", "{\"a\":2,\"b\":3}")))),
                Map.of("role", "tool", "tool_call_id", "call_1", "content", "5"));
        JsonNode choice = chat(plain, Map.of("tools", tools, "messages", messages)).get("choices").get(0);
        String finish = choice.get("finish_reason").asText();
        assertTrue(List.of("stop", "length", "tool_calls").contains(finish), finish);
        assertEquals(finish.equals("tool_calls"), choice.get("message").has("tool_calls"));

        ChatReply reply;
        try (var chat = model.newChat(ChatOptions.builder().tools(tools).build())) {
            reply = chat.stream(messages, model.generationDefaults().greedy().maxTokens(MAX_TOKENS).build(), d -> {});
        }
        assertEquals(reply.finishReason().wireName(), finish);
        assertEquals(reply.toolCalls().size(), choice.get("message").path("tool_calls").size());
    }

    /** The exact text (as the plain server's content) of a session turn starting at {@code start}. */
    private static String exactReply(List<Map<String, Object>> messages, ReplyStart start, ChatOptions options,
            int maxTokens) {
        StringBuilder text = new StringBuilder();
        try (var chat = model.newChat(options)) {
            chat.stream(messages, model.generationDefaults().greedy().maxTokens(maxTokens).build(),
                    d -> text.append(d.text()), () -> false, start);
        }
        return text.toString();
    }

    @Test
    void continueFinalMessageGoesOnFromTheAssistantText() throws Exception {
        List<Map<String, Object>> messages = List.of(Map.of("role", "system", "content", "/no_think"),
                Map.of("role", "user", "content", QUESTION), Map.of("role", "assistant", "content", "2 + 3"));
        String expected = exactReply(messages, ReplyStart.CONTINUE_FINAL_MESSAGE, ChatOptions.defaults(), MAX_TOKENS);
        Map<String, Object> body = Map.of("messages", messages, "continue_final_message", true,
                "add_generation_prompt", false);
        assertEquals(expected, chat(plain, body).get("choices").get(0).get("message").get("content").asText());
        Map<String, Object> streamed = new HashMap<>(body);
        streamed.put("stream", true);
        assertEquals(expected, chat(plain, streamed).get("content").asText());
        JsonNode tokens = JSON.readTree(post(plain, "/tokenize", Map.of("messages", messages,
                "continue_final_message", true, "add_generation_prompt", false)).body()).get("tokens");
        String prompt = model.chatResources().tokenizer().decode(JSON.convertValue(tokens, int[].class));
        assertTrue(prompt.endsWith("2 + 3"), "/tokenize renders the open final message: " + prompt);
    }

    @Test
    void withoutAGenerationPromptTheModelWritesTheNextHeader() throws Exception {
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", QUESTION));
        String expected = exactReply(messages, ReplyStart.NO_GENERATION_PROMPT, ChatOptions.defaults(), MAX_TOKENS);
        JsonNode message = chat(plain, Map.of("add_generation_prompt", false)).get("choices").get(0).get("message");
        assertEquals(expected, message.get("content").asText());
        assertFalse(expected.equals(exactReply(messages, ReplyStart.NEW_ASSISTANT_MESSAGE, ChatOptions.defaults(),
                MAX_TOKENS)), "the prompt's end changes the reply");
    }

    @Test
    void aContinuationWithoutAnAssistantMessageIs400BeforeAnyStream() throws Exception {
        HttpResponse<String> r = post(plain, "/v1/chat/completions", Map.of("stream", true,
                "messages", List.of(Map.of("role", "user", "content", QUESTION)), "continue_final_message", true));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("continue_final_message", JSON.readTree(r.body()).get("error").get("param").asText());
    }

    private static final List<Map<String, Object>> ADD_TOOL = List.of(Map.of("type", "function", "function",
            Map.of("name", "add", "description", "adds two numbers", "parameters", Map.of("type", "object",
                    "properties", Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number"))))));
    private static final List<Map<String, Object>> NO_THINK = List.of(Map.of("role", "system", "content", "/no_think"),
            Map.of("role", "user", "content", QUESTION));

    @Test
    void aNamedToolChoiceForcesThatCallAndAutoDoesNot() throws Exception {
        Map<String, Object> named = Map.of("type", "function", "function", Map.of("name", "add"));
        JsonNode choice = chat(plain, Map.of("tools", ADD_TOOL, "messages", NO_THINK, "tool_choice", named,
                "max_tokens", 1500)).get("choices").get(0);
        assertEquals("tool_calls", choice.get("finish_reason").asText(), choice.toString());
        JsonNode calls = choice.get("message").get("tool_calls");
        assertEquals(1, calls.size());
        assertEquals("add", calls.get(0).get("function").get("name").asText());
        assertTrue(JSON.readTree(calls.get(0).get("function").get("arguments").asText()).isObject());

        JsonNode stream = chat(plain, Map.of("tools", ADD_TOOL, "messages", NO_THINK, "tool_choice", named,
                "max_tokens", 1500, "stream", true));
        assertEquals("tool_calls", stream.get("finish_reason").asText());

        JsonNode required = chat(plain, Map.of("tools", ADD_TOOL, "messages", NO_THINK, "tool_choice", "required",
                "max_tokens", 1500)).get("choices").get(0);
        assertEquals("tool_calls", required.get("finish_reason").asText(), required.toString());
        JsonNode single = chat(plain, Map.of("tools", ADD_TOOL, "messages", NO_THINK, "tool_choice", "required",
                "parallel_tool_calls", false, "max_tokens", 1500)).get("choices").get(0);
        assertEquals(1, single.get("message").get("tool_calls").size(), "parallel_tool_calls false: one call");
        JsonNode auto = chat(plain, Map.of("tools", ADD_TOOL, "messages", NO_THINK, "max_tokens", 1500))
                .get("choices").get(0);
        assertFalse(auto.get("message").has("tool_calls"), "left to itself the tiny model answers in words: "
                + auto + " (so the constraint is what makes the calls above)");
    }

    @Test
    void aNamedToolChoiceMustNameAGivenTool() throws Exception {
        HttpResponse<String> r = post(plain, "/v1/chat/completions", Map.of("tools", ADD_TOOL, "messages", NO_THINK,
                "tool_choice", Map.of("type", "function", "function", Map.of("name", "subtract"))));
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("tool_choice", JSON.readTree(r.body()).get("error").get("param").asText());
    }

    private static HttpResponse<String> post(OpenAiServer server, String path, Map<String, Object> body)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An open question: the tiny model answers {@link #QUESTION} the same way at any temperature. */
    private static final String OPEN_QUESTION = "Tell me a story about a cat.";

    /** A sampled (not greedy) request, so that the n replies differ; choice j must replay with seed + j. */
    private static Map<String, Object> sampled(long seed, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(Map.of("temperature", 1.0, "top_p", 1.0, "seed", seed,
                "messages", List.of(Map.of("role", "user", "content", OPEN_QUESTION))));
        body.putAll(extra);
        return body;
    }

    @Test
    void nRepliesEachReplayAsASingleRequestWithSeedPlusJ() throws Exception {
        long seed = 99;
        JsonNode root = chat(plain, sampled(seed, Map.of("n", 3, "logprobs", true)));
        JsonNode choices = root.get("choices");
        assertEquals(3, choices.size());
        int completionTokens = 0;
        java.util.Set<String> contents = new java.util.HashSet<>();
        for (int j = 0; j < 3; j++) {
            JsonNode choice = choices.get(j);
            assertEquals(j, choice.get("index").asInt());
            JsonNode alone = chat(plain, sampled(seed + j, Map.of()));
            assertEquals(1, alone.get("choices").size());
            assertEquals(alone.get("choices").get(0).get("message").get("content").asText(),
                    choice.get("message").get("content").asText(), "choice " + j + " is the request with seed + " + j);
            assertEquals(alone.get("usage").get("prompt_tokens").asInt(), root.get("usage").get("prompt_tokens").asInt(),
                    "the prompt counts once");
            int tokens = alone.get("usage").get("completion_tokens").asInt();
            assertEquals(tokens, choice.get("logprobs").get("content").size(), "each choice has its own logprobs");
            completionTokens += tokens;
            contents.add(choice.get("message").get("content").asText());
        }
        assertEquals(completionTokens, root.get("usage").get("completion_tokens").asInt());
        // The tiny model repeats itself a lot: two of three samples may agree, but not all.
        assertTrue(contents.size() > 1, "different seeds gave different replies: " + contents);
    }

    @Test
    void streamedNRepliesReassembleToThePlainOnes() throws Exception {
        long seed = 5;
        JsonNode plainReplies = chat(plain, sampled(seed, Map.of("n", 2)));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.port()
                        + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(sampled(seed, Map.of("n", 2,
                        "max_tokens", MAX_TOKENS, "stream", true, "logprobs", true,
                        "stream_options", Map.of("include_usage", true))))))
                .header("Content-Type", "application/json").build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<Integer, StringBuilder> contents = new java.util.TreeMap<>();
        Map<Integer, String> finishes = new java.util.TreeMap<>();
        Map<Integer, Integer> roles = new java.util.TreeMap<>();
        Map<Integer, Integer> logprobs = new java.util.TreeMap<>();
        JsonNode usage = null;
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring("data: ".length()));
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            int index = choice.get("index").asInt();
            assertFalse(finishes.containsKey(index), "nothing after choice " + index + "'s finish");
            if (choice.get("delta").has("role")) {
                roles.merge(index, 1, Integer::sum);
            }
            contents.computeIfAbsent(index, i -> new StringBuilder())
                    .append(choice.get("delta").path("content").asText(""));
            if (!choice.get("logprobs").isNull()) {
                logprobs.merge(index, choice.get("logprobs").get("content").size(), Integer::sum);  // per piece
            }
            if (!choice.get("finish_reason").isNull()) {
                finishes.put(index, choice.get("finish_reason").asText());
            }
        }
        assertEquals(Map.of(0, 1, 1, 1), roles, "one role chunk per choice");
        for (int j = 0; j < 2; j++) {
            JsonNode expected = plainReplies.get("choices").get(j);
            assertEquals(expected.get("message").get("content").asText(), contents.get(j).toString());
            assertEquals(expected.get("finish_reason").asText(), finishes.get(j));
        }
        assertTrue(usage != null, "one usage chunk at the end");
        assertEquals(plainReplies.get("usage").get("completion_tokens").asInt(),
                usage.get("completion_tokens").asInt());
        assertEquals(usage.get("completion_tokens").asInt(), logprobs.get(0) + logprobs.get(1));
    }

    @Test
    void nOutOfRangeIsA400NamingIt() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + plain.port()
                        + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("n", 0,
                        "messages", List.of(Map.of("role", "user", "content", QUESTION))))))
                .header("Content-Type", "application/json").build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("n", JSON.readTree(response.body()).get("error").get("param").asText());
    }
}
