package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.NemotronModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The second slice on the bundled model: /v1/completions, /tokenize, /detokenize, /metrics, the body limit. */
class ServerEndpointsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "The capital of France is";
    private static final int MAX_TOKENS = 16;
    private static final long BODY_LIMIT = 64 * 1024;

    private static NemotronModel model;
    private static OpenAiServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        model = NemotronModel.load(BundledModel.directory());
        server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, null, BundledModel.NAME, BODY_LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
        model.close();
    }

    private static HttpResponse<String> send(String method, String path, Object body) throws Exception {
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, text == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "application/json").build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static Map<String, Object> completion(Object prompt, boolean stream) {
        return Map.of("model", BundledModel.NAME, "prompt", prompt, "temperature", 0, "max_tokens", MAX_TOKENS,
                "stream", stream, "stream_options", Map.of("include_usage", true), "echo", false);
    }

    /** The streamed events' texts joined, the finish reason and the usage chunk. */
    private record Streamed(String text, String finish, JsonNode usage) {}

    private static Streamed streamed(HttpResponse<String> response) throws IOException {
        assertEquals(200, response.statusCode(), response.body());
        List<String> events = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data: ")) {
                events.add(line.substring(6));
            }
        }
        assertEquals("[DONE]", events.get(events.size() - 1));
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(event);
            assertEquals("text_completion", chunk.get("object").asText(), event);
            if (chunk.hasNonNull("usage")) {
                usage = chunk.get("usage");
                continue;
            }
            JsonNode choice = chunk.get("choices").get(0);
            text.append(choice.get("text").asText());
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        return new Streamed(text.toString(), finish, usage);
    }

    @Test
    void greedyCompletionIsTheSamePlainStreamedAndFromTokenIds() throws Exception {
        JsonNode plain = ok(send("POST", "/v1/completions", completion(PROMPT, false)));
        assertEquals("text_completion", plain.get("object").asText());
        JsonNode choice = plain.get("choices").get(0);
        String text = choice.get("text").asText();
        assertFalse(text.isEmpty());
        JsonNode usage = plain.get("usage");
        assertTrue(usage.get("completion_tokens").asInt() > 0);

        Streamed stream = streamed(send("POST", "/v1/completions", completion(PROMPT, true)));
        assertEquals(text, stream.text());
        assertEquals(choice.get("finish_reason").asText(), stream.finish());
        assertEquals(usage.get("completion_tokens").asInt(), stream.usage().get("completion_tokens").asInt());

        JsonNode tokens = ok(send("POST", "/tokenize", Map.of("prompt", PROMPT))).get("tokens");
        assertEquals(usage.get("prompt_tokens").asInt(), tokens.size());
        JsonNode fromIds = ok(send("POST", "/v1/completions", completion(tokens, false)));
        assertEquals(text, fromIds.get("choices").get(0).get("text").asText());
        JsonNode fromNested = ok(send("POST", "/v1/completions", completion(List.of(tokens), false)));
        assertEquals(text, fromNested.get("choices").get(0).get("text").asText());
    }

    @Test
    void completionErrors() throws Exception {
        Map<String, Object> echo = new java.util.HashMap<>(completion(PROMPT, false));
        echo.put("echo", true);
        echo.put("logprobs", 1);  // the prompt's logprobs: not computed
        HttpResponse<String> refused = send("POST", "/v1/completions", echo);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("echo", JSON.readTree(refused.body()).get("error").get("param").asText());
        HttpResponse<String> outside = send("POST", "/v1/completions", completion(List.of(1, 1 << 30), true));
        assertEquals(400, outside.statusCode(), outside.body());
    }

    @Test
    void tokenizeDetokenizeRoundTrip() throws Exception {
        JsonNode tokenized = ok(send("POST", "/tokenize", Map.of("model", BundledModel.NAME, "prompt", PROMPT)));
        assertEquals(tokenized.get("tokens").size(), tokenized.get("count").asInt());
        assertEquals(model.config().maxPositionEmbeddings(), tokenized.get("max_model_len").asInt());
        JsonNode back = ok(send("POST", "/detokenize", Map.of("tokens", tokenized.get("tokens"))));
        assertEquals(PROMPT, back.get("prompt").asText());

        List<Map<String, String>> messages = List.of(Map.of("role", "user", "content", "hi"));
        JsonNode chat = ok(send("POST", "/tokenize", Map.of("messages", messages, "add_generation_prompt", true)));
        JsonNode bare = ok(send("POST", "/tokenize", Map.of("messages", messages, "add_generation_prompt", false)));
        assertTrue(chat.get("count").asInt() > bare.get("count").asInt());
        assertEquals(400, send("POST", "/detokenize", Map.of("tokens", List.of(-1))).statusCode());
    }

    @Test
    void metricsCountersGrowAfterARequest() throws Exception {
        HttpResponse<String> before = send("GET", "/metrics", null);
        assertEquals(200, before.statusCode());
        assertTrue(before.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        for (String name : List.of("num_requests_running", "num_requests_waiting", "prompt_tokens_total",
                "generation_tokens_total", "kv_cache_usage_perc", "state_slots_usage_perc", "prefix_cache_hits_total",
                "prefix_cache_queries_total")) {
            assertTrue(before.body().contains("# TYPE nemotron4j_" + name + " "), name);
            assertTrue(before.body().contains("# HELP nemotron4j_" + name + " "), name);
        }
        ok(send("POST", "/v1/completions", completion(PROMPT, false)));
        Thread.sleep(1_000);  // the throughput gauges average over at least a second since the last scrape
        String after = send("GET", "/metrics", null).body();
        assertTrue(value(after, "avg_generation_throughput_toks_per_s") > 0, after);
        assertTrue(value(after, "avg_prompt_throughput_toks_per_s") > 0, after);
        for (String name : List.of("prompt_tokens_total", "generation_tokens_total", "request_success_total",
                "tokens_computed_total")) {
            assertTrue(value(after, name) > value(before.body(), name), name + "\n" + after);
        }
    }

    private static double value(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^nemotron4j_" + name + "\\{[^}]*\\} (\\S+)$").matcher(exposition);
        assertTrue(m.find(), name);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void anOversizedBodyGets413WithoutBeingRead() throws Exception {
        // Declares a body over the limit and sends none: the answer must come without waiting for it.
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (BODY_LIMIT * 4) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", head);
        }
        // A chunked body (no Content-Length) over the limit is cut off at the limit.
        String big = "{\"prompt\":\"" + "a".repeat((int) BODY_LIMIT) + "\"}";
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big)))
                .build();
        HttpResponse<String> response = HTTP.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(JSON.readTree(response.body()).get("error").get("message").asText().contains("limit"));
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsChat() throws Exception {
        assertDisconnectCancels("/v1/chat/completions", Map.of("model", BundledModel.NAME, "stream", true,
                "messages", List.of(Map.of("role", "user", "content", "Count to a thousand.")),
                "temperature", 0, "max_tokens", 3000, "ignore_eos", true));
    }

    @Test
    void aClientThatDisconnectsMidStreamCancelsItsCompletion() throws Exception {
        assertDisconnectCancels("/v1/completions", Map.of("model", BundledModel.NAME, "stream", true,
                "prompt", PROMPT, "temperature", 0, "max_tokens", 3000, "ignore_eos", true));
    }

    /** Opens a stream over a raw socket, reads its first event, hangs up: the request must leave the engine. */
    private static void assertDisconnectCancels(String path, Map<String, Object> body) throws Exception {
        byte[] json = JSON.writeValueAsBytes(body);
        long sampledAtClose;
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(json);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("data: {")) {
                int b = in.read();
                assertTrue(b >= 0, "the stream ended before its first event: " + seen);
                seen.append((char) b);
            }
            assertTrue(seen.toString().startsWith("HTTP/1.1 200"), seen.toString());
            sampledAtClose = model.counters().tokensSampled();
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        // A request not yet queued when the client left is still caught by the next keep-alive probe (every
        // 250 ms): give it two probes before looking, so it cannot slip in after the check.
        Thread.sleep(600);
        // The first event (the role chunk) can come before the request is admitted: wait for the queue too.
        while (model.engine().stats().running() + model.engine().stats().waiting() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, model.engine().stats().running(), "the request left the engine within 2 s");
        assertEquals(0, model.engine().stats().waiting());
        assertTrue(model.counters().tokensSampled() - sampledAtClose < 2500, "generation stopped");
    }
}
