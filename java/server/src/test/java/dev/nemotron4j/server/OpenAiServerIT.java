package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.Delta;
import dev.nemotron4j.NemotronModel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server on the bundled model over loopback (an ephemeral port), driven by java.net.http. */
class OpenAiServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "test-key";
    private static final String QUESTION = "What is 2+3?";
    private static final int MAX_TOKENS = 24;

    private static NemotronModel model;
    private static OpenAiServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        model = NemotronModel.load(BundledModel.directory());
        server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, KEY, BundledModel.NAME));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static HttpResponse<String> send(String method, String path, String body, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chatBody(boolean stream, String model) throws IOException {
        return JSON.writeValueAsString(Map.of("model", model, "stream", stream, "temperature", 0,
                "max_tokens", MAX_TOKENS, "stream_options", Map.of("include_usage", true),
                "messages", List.of(Map.of("role", "user", "content", QUESTION))));
    }

    private static void assertError(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertTrue(error.get("message").isTextual(), response.body());
        assertTrue(error.has("type") && error.has("param") && error.has("code"), response.body());
    }

    @Test
    void healthAndModels() throws Exception {
        assertEquals(200, send("GET", "/health", null, null).statusCode());
        HttpResponse<String> models = send("GET", "/v1/models", null, KEY);
        assertEquals(200, models.statusCode());
        JsonNode data = JSON.readTree(models.body()).get("data");
        assertEquals(BundledModel.NAME, data.get(0).get("id").asText());
        assertEquals(model.config().maxPositionEmbeddings(), data.get(0).get("max_model_len").asInt());
        assertEquals(model.directory().toString(), data.get(0).get("root").asText());
    }

    @Test
    void chatCompletionMatchesTheChatSession() throws Exception {
        HttpResponse<String> response = send("POST", "/v1/chat/completions", chatBody(false, BundledModel.NAME), KEY);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode root = JSON.readTree(response.body());
        assertEquals("chat.completion", root.get("object").asText());
        JsonNode choice = root.get("choices").get(0);
        String content = choice.get("message").get("content").asText();
        assertFalse(content.isEmpty());

        List<Delta> deltas = new ArrayList<>();
        var reply = model.newChat(ChatOptions.defaults()).stream(List.of(Map.of("role", "user", "content", QUESTION)),
                model.generationDefaults().greedy().maxTokens(MAX_TOKENS).build(), deltas::add);
        StringBuilder expected = new StringBuilder();
        for (Delta d : deltas) {
            expected.append(d.text());
        }
        assertEquals(expected.toString(), content, "the reasoning, </think> and answer exactly as generated");
        StringBuilder raw = new StringBuilder();
        String prompt = model.chatResources().render(List.of(Map.of("role", "user", "content", QUESTION)), List.of(),
                Map.of(), true);
        model.complete(model.chatResources().tokenizer().encode(prompt),
                model.generationDefaults().greedy().maxTokens(MAX_TOKENS).build(), raw::append, () -> false);
        assertEquals(raw.toString(), content, "the raw continuation of the same prompt");
        assertEquals(reply.finishReason().wireName(), choice.get("finish_reason").asText());
        JsonNode usage = root.get("usage");
        assertEquals(reply.usage().promptTokens(), usage.get("prompt_tokens").asInt());
        assertEquals(reply.usage().completionTokens(), usage.get("completion_tokens").asInt());
        assertEquals(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
                usage.get("total_tokens").asInt());
    }

    @Test
    void streamedChunksConcatenateToTheSameText() throws Exception {
        String whole = JSON.readTree(send("POST", "/v1/chat/completions", chatBody(false, BundledModel.NAME), KEY)
                .body()).get("choices").get(0).get("message").get("content").asText();
        HttpResponse<String> response = send("POST", "/v1/chat/completions", chatBody(true, BundledModel.NAME), KEY);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring("data: ".length()));
            } else {
                assertTrue(line.isEmpty(), "unexpected line: " + line);
            }
        }
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.has("usage")) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            text.append(choice.get("delta").path("content").asText(""));
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals(whole, text.toString());
        assertTrue(finish != null);
        assertTrue(usage != null && usage.get("completion_tokens").asInt() > 0);
    }

    @Test
    void errorsAreOpenAiObjects() throws Exception {
        assertError(send("POST", "/v1/chat/completions", "{not json", KEY), 400);
        assertError(send("POST", "/v1/chat/completions", chatBody(false, BundledModel.NAME), "wrong"), 401);
        assertError(send("POST", "/v1/chat/completions", chatBody(false, BundledModel.NAME), null), 401);
        assertError(send("POST", "/v1/chat/completions", chatBody(false, "no-such-model"), KEY), 404);
        assertError(send("POST", "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":-1}", KEY), 400);
        assertError(send("POST", "/v1/chat/completions", "{\"messages\":[]}", KEY), 400);
        assertError(send("GET", "/v1/chat/completions", null, KEY), 405);
        assertError(send("GET", "/v1/nothing", null, KEY), 404);
    }
}
