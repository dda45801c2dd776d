package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.NemotronModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Closing the server under load: every request in flight (plain and streamed) finishes whole, a request
 * that arrives meanwhile gets 503 with {@code Retry-After}, and only then does the server stop listening.
 */
class GracefulDrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CLIENTS = 8;
    private static final int MAX_TOKENS = 96;

    private static String body(boolean stream) throws Exception {
        // ignore_eos: every reply runs to max_tokens, so the drain has work to wait for
        return JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", "What is 2+2?")),
                "temperature", 0, "max_tokens", MAX_TOKENS, "ignore_eos", true, "stream", stream,
                "stream_options", Map.of("include_usage", true)));
    }

    private static HttpRequest chat(int port, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build();
    }

    /** The completion tokens a reply reports: the plain body's usage, or a stream's usage chunk. */
    private static int completionTokens(String body, boolean stream) throws Exception {
        if (!stream) {
            return JSON.readTree(body).get("usage").get("completion_tokens").asInt();
        }
        assertTrue(body.strip().endsWith("data: [DONE]"), "the stream ends properly: " + body);
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode usage = JSON.readTree(line.substring(6)).get("usage");
                if (usage != null && !usage.isNull()) {
                    return usage.get("completion_tokens").asInt();
                }
            }
        }
        throw new AssertionError("no usage chunk in " + body);
    }

    @Test
    void closingFinishesTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (NemotronModel model = NemotronModel.load(BundledModel.directory())) {
            OpenAiServer server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, null, BundledModel.NAME));
            int port = server.port();
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                replies.add(http.sendAsync(chat(port, body(i % 2 == 1)), HttpResponse.BodyHandlers.ofString()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (model.engine().stats().running() + model.engine().stats().waiting() < CLIENTS
                    && replies.stream().noneMatch(CompletableFuture::isDone) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            // /health answers 503 as soon as the drain has begun: then a chat request must be refused too
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build();
            while (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                Thread.sleep(1);
            }
            HttpResponse<String> late = http.send(chat(port, body(false)), HttpResponse.BodyHandlers.ofString());
            assertTrue(!closing.isDone(), "the drain still waits for the requests in flight");
            closing.get();
            for (int i = 0; i < CLIENTS; i++) {
                HttpResponse<String> reply = replies.get(i).get();
                assertEquals(200, reply.statusCode(), reply.body());
                assertEquals(MAX_TOKENS, completionTokens(reply.body(), i % 2 == 1), "request " + i + " ran to the end");
            }
            assertEquals(503, late.statusCode(), late.body());
            assertTrue(late.headers().firstValue("Retry-After").isPresent());
            assertEquals("ServiceUnavailable", JSON.readTree(late.body()).get("error").get("type").asText());
            // (the prefix cache's snapshots stay; only requests must be gone)
            assertEquals(0, model.engine().stats().running() + model.engine().stats().waiting(),
                    "no request is left in the engine");
        }
    }
}
