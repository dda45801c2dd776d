package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.ReplyStart;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.wire.ChatRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tokenize} as vLLM: {@code {"prompt": "..."}} (the text as is) or {@code {"messages": [...],
 * "add_generation_prompt": true}} (rendered with the chat template first) → {@code {"tokens", "count",
 * "max_model_len"}}.
 */
public final class TokenizeRoute implements Route {
    private final ObjectMapper mapper;
    private final JsonBody body;
    private final NemotronModel model;
    private final String modelName;

    public TokenizeRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName) {
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
        return "/tokenize";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        JsonNode request = body.readObject(exchange);
        JsonNode name = request.get("model");
        ApiException.requireServedModel(name == null || name.isNull() ? null : name.asText(), modelName);
        int[] tokens = model.chatResources().tokenizer().encode(text(request));
        ObjectNode root = mapper.createObjectNode();
        root.put("count", tokens.length);
        root.put("max_model_len", model.contextLength());
        ArrayNode ids = root.putArray("tokens");
        for (int id : tokens) {
            ids.add(id);
        }
        root.putNull("token_strs");
        Responses.json(exchange, mapper, 200, root);
    }

    private String text(JsonNode request) {
        JsonNode prompt = request.get("prompt");
        if (request.has("messages")) {
            if (prompt != null) {
                throw ApiException.badRequest("give prompt or messages, not both", "prompt");
            }
            List<Map<String, Object>> messages = ChatRequest.messages(request.get("messages"));
            for (String flag : new String[] {"add_generation_prompt", "continue_final_message"}) {
                JsonNode value = request.get(flag);
                if (value != null && !value.isNull() && !value.isBoolean()) {
                    throw ApiException.badRequest(flag + " must be a boolean", flag);
                }
            }
            // vLLM's defaults: a generation prompt, tools and template variables as a chat request has them
            ReplyStart start = ChatRequest.replyStart(request, messages);
            try {
                return model.chatResources().renderer(null).render(messages, ChatRequest.tools(request),
                        ChatRequest.templateKwargs(request), start);
            } catch (InvalidRequestException e) {
                throw ApiException.badRequest(e.getMessage(), "messages");
            }
        }
        if (prompt == null || !prompt.isTextual()) {
            throw ApiException.badRequest("prompt must be a string (or give messages)", "prompt");
        }
        return prompt.asText();
    }
}
