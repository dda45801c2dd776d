package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.ChatOptions;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.sse.SseWriter;
import dev.nemotron4j.server.wire.ChatRequest;
import dev.nemotron4j.server.wire.ChatResponses;
import java.io.IOException;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the request's messages as one turn of a fresh {@link ChatSession}
 * (the engine's prefix cache reuses whatever an earlier request already prefilled), answered as one
 * {@code chat.completion} or streamed as {@code chat.completion.chunk} events.
 */
public final class ChatCompletionsRoute implements Route {
    private final ObjectMapper mapper;
    private final NemotronModel model;
    private final String modelName;
    private final JsonBody body;
    private final ServedCounters counters;

    public ChatCompletionsRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName,
            ServedCounters counters) {
        this.mapper = mapper;
        this.body = body;
        this.model = model;
        this.modelName = modelName;
        this.counters = counters;
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return "/v1/chat/completions";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        ChatRequest request = ChatRequest.parse(body.read(exchange), model.generationDefaults());
        if (request.model() != null && !request.model().equals(modelName)) {
            throw ApiException.modelNotFound(request.model());
        }
        var responses = new ChatResponses(mapper, "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, modelName);
        if (request.stream()) {
            stream(exchange, request, responses);
        } else {
            GeneratedText text = new GeneratedText();
            ChatReply reply;
            try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
                reply = chat.stream(request.messages(), request.generation(), text::push);
            }
            counters.record(reply.usage(), reply.finishReason());
            Responses.json(exchange, mapper, 200,
                    responses.completion(text.whole(), reply.finishReason().wireName(), reply.usage()));
        }
    }

    /**
     * The request is parsed and checked before the 200 goes out; an error from the runtime after that (a
     * prompt over the context) ends the stream with an error event, then {@code [DONE]}.
     */
    private void stream(HttpExchange exchange, ChatRequest request, ChatResponses responses) throws IOException {
        SseWriter sse = SseWriter.open(exchange, mapper);
        try (ChatSession chat = model.newChat(ChatOptions.defaults())) {
            sse.event(responses.chunk("assistant", "", null));
            GeneratedText text = new GeneratedText();
            ChatReply reply = chat.stream(request.messages(), request.generation(), delta -> {
                String piece = text.push(delta);
                if (!piece.isEmpty()) {
                    sse.event(responses.chunk(null, piece, null));
                }
            });
            counters.record(reply.usage(), reply.finishReason());
            sse.event(responses.chunk(null, null, reply.finishReason().wireName()));
            if (request.includeUsage()) {
                sse.event(responses.usageChunk(reply.usage()));
            }
        } catch (ApiException | NemotronException e) {
            ApiException api = ErrorBody.fromRuntime(e);
            sse.event(ErrorBody.json(mapper, api));
        }
        sse.done();
        exchange.close();
    }
}
