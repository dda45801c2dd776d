package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.NemotronModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server at its limits, on an engine that runs one sequence and queues one more: a full queue is
 * 429 with {@code Retry-After}, a prompt over the context is 400, and neither loses the other requests.
 */
class LimitsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static NemotronModel model;
    private static OpenAiServer server;

    @BeforeAll
    static void start() {
        model = NemotronModel.load(BundledModel.directory(), ModelOptions.builder()
                .engine(EngineOptions.builder().maxRunning(1).maxWaiting(1).build()).build());
        server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, null, BundledModel.NAME));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static HttpRequest post(String path, Object body) throws Exception {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json").build();
    }

    private static Map<String, Object> longChat() {
        return Map.of("messages", List.of(Map.of("role", "user", "content", "What is 2+2?")), "temperature", 0,
                "max_tokens", 200, "ignore_eos", true);
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndTheAdmittedRequestsFinish() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replies.add(HTTP.sendAsync(post("/v1/chat/completions", longChat()), HttpResponse.BodyHandlers.ofString()));
        }
        int refused = 0;
        int answered = 0;
        for (CompletableFuture<HttpResponse<String>> f : replies) {
            HttpResponse<String> r = f.get();
            if (r.statusCode() == 429) {
                refused++;
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), "429 says when to retry");
                JsonNode error = JSON.readTree(r.body()).get("error");
                assertEquals("TooManyRequests", error.get("type").asText(), r.body());
            } else {
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(200, JSON.readTree(r.body()).get("usage").get("completion_tokens").asInt());
                answered++;
            }
        }
        assertTrue(refused >= 1, "one running and one waiting: four at once overflow the queue");
        assertTrue(answered >= 1, "the admitted requests finish");
    }

    @Test
    void aPromptOverTheContextIs400ForChatAndCompletions() throws Exception {
        int context = model.config().maxPositionEmbeddings();
        String longText = "two plus two ".repeat(context);
        HttpResponse<String> chat = HTTP.send(post("/v1/chat/completions", Map.of("messages",
                List.of(Map.of("role", "user", "content", longText)), "max_tokens", 4)), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, chat.statusCode(), chat.body());
        assertTrue(chat.body().contains("context length is " + context), chat.body());
        HttpResponse<String> completion = HTTP.send(post("/v1/completions", Map.of("prompt", longText, "max_tokens", 4)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, completion.statusCode(), completion.body());
        assertTrue(completion.body().contains("context length is " + context), completion.body());
    }
}
