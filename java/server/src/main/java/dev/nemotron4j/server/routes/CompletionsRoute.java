package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.sse.SseWriter;
import dev.nemotron4j.server.wire.CompletionRequest;
import dev.nemotron4j.server.wire.CompletionResponses;
import java.io.IOException;
import java.util.UUID;

/**
 * {@code POST /v1/completions}: a raw continuation of the prompt (text or token ids, no chat template) on
 * the model's engine ({@link NemotronModel#complete}), answered as one {@code text_completion} or streamed
 * as one per event. The streamed texts concatenate to the non-streamed text by construction.
 */
public final class CompletionsRoute implements Route {
    private final ObjectMapper mapper;
    private final JsonBody body;
    private final NemotronModel model;
    private final String modelName;
    private final ServedCounters counters;

    public CompletionsRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName,
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
        return "/v1/completions";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        CompletionRequest request = CompletionRequest.parse(body.read(exchange), model.generationDefaults());
        ApiException.requireServedModel(request.model(), modelName);
        int[] prompt = request.promptTokens(model.chatResources().tokenizer()::encode);
        checkPrompt(prompt);
        var responses = new CompletionResponses(mapper, "cmpl-" + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, modelName);
        if (request.stream()) {
            stream(exchange, request, prompt, responses);
            return;
        }
        StringBuilder text = new StringBuilder();
        ChatReply reply = model.complete(prompt, request.generation(), text::append, () -> false);
        counters.record(reply.usage(), reply.finishReason());
        Responses.json(exchange, mapper, 200,
                responses.completion(text.toString(), reply.finishReason().wireName(), reply.usage()));
    }

    /** Checked before a stream's 200 goes out (the runtime checks again). */
    private void checkPrompt(int[] prompt) {
        int vocab = model.config().vocabSize();
        for (int id : prompt) {
            if (id >= vocab) {
                throw ApiException.badRequest("token id " + id + " is outside the vocabulary [0, " + vocab + ")",
                        "prompt");
            }
        }
        int context = model.config().maxPositionEmbeddings();
        if (prompt.length >= context) {
            throw ApiException.badRequest("the prompt has " + prompt.length + " tokens; the model's context length is "
                    + context, "prompt");
        }
    }

    /** As the chat route: an error after the 200 ends the stream with an error event, then {@code [DONE]}. */
    private void stream(HttpExchange exchange, CompletionRequest request, int[] prompt, CompletionResponses responses)
            throws IOException {
        try (SseWriter sse = SseWriter.open(exchange, mapper)) {
            streamReply(sse, request, prompt, responses);
            sse.done();
        }
        exchange.close();
    }

    /** The client going away (its writer's watcher notices) cancels the request wherever it is. */
    private void streamReply(SseWriter sse, CompletionRequest request, int[] prompt, CompletionResponses responses) {
        try {
            ChatReply reply = model.complete(prompt, request.generation(),
                    piece -> sse.event(responses.chunk(piece, null)), sse::clientGone);
            counters.record(reply.usage(), reply.finishReason());
            sse.event(responses.chunk("", reply.finishReason().wireName()));
            if (request.includeUsage()) {
                sse.event(responses.usageChunk(reply.usage()));
            }
        } catch (ApiException | NemotronException e) {
            sse.event(ErrorBody.json(mapper, ErrorBody.fromRuntime(e)));
        }
    }
}
