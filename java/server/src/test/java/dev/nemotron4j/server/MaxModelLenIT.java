package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.EngineOptions;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelOptions;
import dev.nemotron4j.NemotronModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** vLLM's --max-model-len: the context a request may fill, below the model's own. */
class MaxModelLenIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CAP = 200;

    private static ModelOptions capped(int tokens) {
        return ModelOptions.builder().engine(EngineOptions.builder().maxModelLen(tokens).build()).build();
    }

    private static HttpResponse<String> post(OpenAiServer server, String path, Object body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + path)).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void promptsAndRepliesStayWithinTheCap() throws Exception {
        try (NemotronModel model = NemotronModel.load(BundledModel.directory(), capped(CAP));
                OpenAiServer server = OpenAiServer.start(model, new ServerOptions("127.0.0.1", 0, null, "m"))) {
            assertEquals(CAP, model.contextLength());
            String longPrompt = "two plus two ".repeat(CAP);
            HttpResponse<String> tooLong = post(server, "/v1/completions", Map.of("prompt", longPrompt, "max_tokens", 4));
            assertEquals(400, tooLong.statusCode(), tooLong.body());
            assertTrue(tooLong.body().contains("context length is " + CAP), tooLong.body());
            HttpResponse<String> chat = post(server, "/v1/chat/completions", Map.of("stream", true, "max_tokens", 4,
                    "messages", List.of(Map.of("role", "user", "content", longPrompt))));
            assertEquals(400, chat.statusCode(), "refused before the stream starts: " + chat.body());

            JsonNode reply = JSON.readTree(post(server, "/v1/completions", Map.of("prompt", "What is",
                    "max_tokens", 1000, "ignore_eos", true, "temperature", 0)).body());
            JsonNode usage = reply.get("usage");
            assertEquals(CAP, usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt(),
                    "the reply stops where the capped context ends: " + reply);
            assertEquals("length", reply.get("choices").get(0).get("finish_reason").asText());
            assertEquals(CAP, JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + server.port() + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString())
                    .body()).get("data").get(0).get("max_model_len").asInt());
        }
    }

    @Test
    void aCapOverTheModelsContextIsRefusedAtLoad() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> NemotronModel.load(BundledModel.directory(), capped(1 << 20)));
        assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
    }
}
