package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.wire.CompletionRequest;
import java.io.IOException;
import java.util.Map;

/** {@code POST /detokenize} as vLLM: {@code {"tokens": [...]}} → {@code {"prompt": "..."}}. */
public final class DetokenizeRoute implements Route {
    private final ObjectMapper mapper;
    private final JsonBody body;
    private final NemotronModel model;
    private final String modelName;

    public DetokenizeRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName) {
        this.mapper = mapper;
        this.body = body;
        this.model = model;
        this.modelName = modelName;
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return "/detokenize";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        JsonNode request = body.readObject(exchange);
        JsonNode name = request.get("model");
        ApiException.requireServedModel(name == null || name.isNull() ? null : name.asText(), modelName);
        int[] tokens = CompletionRequest.tokenIds(request.get("tokens"), "tokens");
        int vocab = model.config().vocabSize();
        for (int id : tokens) {
            if (id >= vocab) {
                throw ApiException.badRequest("token id " + id + " is outside the vocabulary [0, " + vocab + ")",
                        "tokens");
            }
        }
        Responses.json(exchange, mapper, 200, Map.of("prompt", model.chatResources().tokenizer().decode(tokens)));
    }
}
