package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * {@code GET /v1/models}: the one served model, as an OpenAI model list with vLLM's extra fields
 * ({@code root}: where it was loaded from; {@code max_model_len}: its context, which clients size prompts by).
 */
public final class ModelsRoute implements Route {
    private final ObjectMapper mapper;
    private final String modelName;
    private final String modelPath;
    private final int maxModelLen;
    private final long created = System.currentTimeMillis() / 1000;

    public ModelsRoute(ObjectMapper mapper, String modelName, String modelPath, int maxModelLen) {
        this.mapper = mapper;
        this.modelName = modelName;
        this.modelPath = modelPath;
        this.maxModelLen = maxModelLen;
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return "/v1/models";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ObjectNode root = mapper.createObjectNode();
        root.put("object", "list");
        ObjectNode model = root.putArray("data").addObject();
        model.put("id", modelName);
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", "nemotron4j");
        model.put("root", modelPath);
        model.putNull("parent");
        model.put("max_model_len", maxModelLen);
        Responses.json(exchange, mapper, 200, root);
    }
}
