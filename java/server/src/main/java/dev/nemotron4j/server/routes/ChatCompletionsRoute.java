package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.sse.SseWriter;
import dev.nemotron4j.server.wire.ChatRequest;
import dev.nemotron4j.server.wire.ChatResponses;
import dev.nemotron4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/chat/completions}: the request's messages as one turn of a fresh {@link ChatSession}
 * (the engine's prefix cache reuses whatever an earlier request already prefilled), answered as one
 * {@code chat.completion} or streamed as {@code chat.completion.chunk} events. Without a reasoning parser
 * the reasoning, {@code </think>} and the answer are all {@code content} (as vLLM); with one the runtime's
 * split is returned. Tool calls the runtime parsed are OpenAI {@code tool_calls}.
 */
public final class ChatCompletionsRoute implements Route {
    private final ObjectMapper mapper;
    private final NemotronModel model;
    private final String modelName;
    private final JsonBody body;
    private final ServedCounters counters;
    private final boolean splitReasoning;

    /**
     * @param splitReasoning a reasoning parser is on: the reasoning is returned as {@code reasoning_content}
     *                       and {@code reasoning}, the content holds only the answer
     */
    public ChatCompletionsRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName,
            ServedCounters counters, boolean splitReasoning) {
        this.splitReasoning = splitReasoning;
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
        ApiException.requireServedModel(request.model(), modelName);
        var responses = new ChatResponses(mapper, "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, modelName);
        if (request.stream()) {
            stream(exchange, request, responses);
        } else {
            GeneratedText text = new GeneratedText();
            ChatReply reply;
            try (ChatSession chat = model.newChat(request.chatOptions())) {
                reply = chat.stream(request.messages(), request.generation(), text::push);
            }
            counters.record(reply.usage(), reply.finishReason());
            String content = splitReasoning ? reply.content() : text.whole();
            String reasoning = splitReasoning ? reply.reasoning() : null;
            Responses.json(exchange, mapper, 200, responses.completion(content, reasoning, reply.toolCalls(),
                    logprobs(request, reply, responses), reply.finishReason().wireName(), reply.usage()));
        }
    }

    /**
     * The request is parsed and checked before the 200 goes out; an error from the runtime after that (a
     * prompt over the context) ends the stream with an error event, then {@code [DONE]}. Logprobs, which
     * the runtime returns with the finished reply, ride the chunk that carries the finish reason.
     */
    private void stream(HttpExchange exchange, ChatRequest request, ChatResponses responses) throws IOException {
        try (SseWriter sse = SseWriter.open(exchange, mapper);
                ChatSession chat = model.newChat(request.chatOptions())) {
            streamReply(sse, chat, request, responses);
            sse.done();
        }
        exchange.close();
    }

    /** The client going away (its writer's watcher notices) cancels the request wherever it is. */
    private void streamReply(SseWriter sse, ChatSession chat, ChatRequest request, ChatResponses responses) {
        try {
            sse.event(responses.chunk("assistant", "", null));
            GeneratedText text = new GeneratedText();
            int[] toolIndex = {0};
            ChatReply reply = chat.stream(request.messages(), request.generation(), delta -> {
                ObjectNode piece = splitReasoning
                        ? responses.delta(delta.reasoning(), delta.content(), delta.toolCalls(), toolIndex[0])
                        : responses.delta("", text.push(delta), delta.toolCalls(), toolIndex[0]);
                toolIndex[0] += delta.toolCalls().size();
                if (!piece.isEmpty()) {
                    sse.event(responses.chunk(piece, null, null));
                }
            }, sse::clientGone);
            counters.record(reply.usage(), reply.finishReason());
            sse.event(responses.chunk(responses.delta("", "", List.of(), 0), logprobs(request, reply, responses),
                    reply.finishReason().wireName()));
            if (request.includeUsage()) {
                sse.event(responses.usageChunk(reply.usage()));
            }
        } catch (ApiException | NemotronException e) {
            ApiException api = ErrorBody.fromRuntime(e);
            sse.event(ErrorBody.json(mapper, api));
        }
    }

    private ObjectNode logprobs(ChatRequest request, ChatReply reply, ChatResponses responses) {
        if (request.topLogprobs() < 0) {
            return null;
        }
        Tokenizer tokenizer = model.chatResources().tokenizer();
        return responses.logprobs(reply.logprobs(), request.topLogprobs(), id -> tokenizer.decode(new int[] {id}));
    }
}
