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
}
