package dev.nemotron4j.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.BundledModel;
import dev.nemotron4j.NemotronModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request without {@code max_tokens} on a model whose {@code generation_config.json} sets no
 * {@code max_new_tokens} is bounded by the context only, as in vLLM (the bundled model's config sets 256,
 * so a copy without it is served).
 */
class RequestDefaultsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void withoutMaxNewTokensTheReplyIsBoundedByTheContextOnly() throws Exception {
        Path model = folder.resolve("uncapped");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(BundledModel.directory())) {
            for (Path file : files.toList()) {
                Files.copy(file, model.resolve(file.getFileName()));
            }
        }
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("generation_config.json").toFile());
        assertTrue(config.has("max_new_tokens"), "the bundled config caps replies: the copy is the case to test");
        config.remove("max_new_tokens");
        JSON.writeValue(model.resolve("generation_config.json").toFile(), config);
        int builderDefault = dev.nemotron4j.Generation.builder().build().maxTokens();  // 1024
        try (NemotronModel m = NemotronModel.load(model);
                OpenAiServer server = OpenAiServer.start(m, new ServerOptions("127.0.0.1", 0, null, "uncapped"))) {
            // min_tokens above any fixed default: refused (min_tokens > max_tokens) if one applied
            String body = JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user",
                    "content", "What is 2+2?")), "temperature", 0, "min_tokens", builderDefault + 76));
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = JSON.readTree(r.body()).get("usage");
            assertTrue(usage.get("completion_tokens").asInt() >= builderDefault + 76, r.body());
        }
    }
}
