package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.ChatSession;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.sse.SseWriter;
import dev.nemotron4j.server.wire.ChatRequest;
import dev.nemotron4j.server.wire.ChatResponses;
import dev.nemotron4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * {@code POST /v1/chat/completions}: the request's messages as one turn of a fresh {@link ChatSession}
 * (the engine's prefix cache reuses whatever an earlier request already prefilled), answered as one
 * {@code chat.completion} or streamed as {@code chat.completion.chunk} events. Without a reasoning parser
 * the reasoning, {@code </think>} and the answer are all {@code content} (as vLLM); with one the runtime's
 * split is returned. Tool calls the runtime parsed are OpenAI {@code tool_calls}. With {@code n} > 1 the
 * replies are n fresh sessions run concurrently ({@link ParallelChoices}), choice j sampling with seed + j.
 */
public final class ChatCompletionsRoute implements Route {
    private final ObjectMapper mapper;
    private final NemotronModel model;
    private final String modelName;
    private final JsonBody body;
    private final ServedCounters counters;
    private final boolean splitReasoning;
    private final ParallelChoices choices;

    /**
     * @param splitReasoning a reasoning parser is on: the reasoning is returned as {@code reasoning_content}
     *                       and {@code reasoning}, the content holds only the answer
     * @param choices        runs a request's {@code n} replies side by side
     */
    public ChatCompletionsRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName,
            ServedCounters counters, boolean splitReasoning, ParallelChoices choices) {
        this.choices = choices;
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
        ChatRequest request = ChatRequest.parse(body.read(exchange), RequestDefaults.of(model));
        ApiException.requireServedModel(request.model(), modelName);
        var responses = new ChatResponses(mapper, "chatcmpl-" + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, modelName);
        if (request.stream()) {
            checkPrompt(request);
            stream(exchange, request, responses);
            return;
        }
        List<Answer> answers = choices.run(request.n(), () -> false, (index, cancelled) -> {
            GeneratedText text = new GeneratedText();
            try (ChatSession chat = model.newChat(request.chatOptions())) {
                ChatReply reply = chat.stream(request.messages(), ParallelChoices.seededFor(request.generation(), index),
                        text::push, cancelled, request.replyStart());
                counters.record(reply.usage(), reply.finishReason());
                return new Answer(reply, text.whole());
            }
        });
        List<ObjectNode> out = new ArrayList<>();
        List<Usage> usages = new ArrayList<>();
        for (int index = 0; index < answers.size(); index++) {
            ChatReply reply = answers.get(index).reply();
            String content = splitReasoning ? reply.content() : answers.get(index).text();
            String reasoning = splitReasoning ? reply.reasoning() : null;
            out.add(responses.choice(index, content, reasoning, reply.toolCalls(), logprobs(request, reply, responses),
                    reply.finishReason().wireName()));
            usages.add(reply.usage());
        }
        Responses.json(exchange, mapper, 200, responses.completion(out, ChoiceUsage.ofPrompt(usages)));
    }

    /**
     * What the template and the context would refuse is a 400 before a stream's 200 goes out, as in vLLM
     * (a plain request gets the same error from the runtime).
     */
    private void checkPrompt(ChatRequest request) {
        try (ChatSession chat = model.newChat(request.chatOptions())) {
            chat.checkTurn(request.messages(), request.replyStart());
        } catch (NemotronException e) {
            throw ErrorBody.fromRuntime(e);
        }
    }

    /** A finished choice: the runtime's reply and its whole text as one content stream ({@link GeneratedText}). */
    private record Answer(ChatReply reply, String text) {}

    /**
     * The request is parsed and checked before the 200 goes out; an error from the runtime after that (a
     * prompt over the context) ends the stream with an error event, then {@code [DONE]}.
     */
    private void stream(HttpExchange exchange, ChatRequest request, ChatResponses responses) throws IOException {
        try (SseWriter sse = SseWriter.open(exchange, mapper)) {
            streamReplies(sse, request, responses);
            sse.done();
        }
        exchange.close();
    }

    /**
     * Every choice's role chunk, then the choices' chunks as they come (interleaved, each with its index),
     * each choice's finish chunk when it ends, and the usage over all of them last. The client going away
     * (its writer's watcher notices) cancels every choice wherever it is.
     */
    private void streamReplies(SseWriter sse, ChatRequest request, ChatResponses responses) {
        try {
            for (int index = 0; index < request.n(); index++) {
                sse.event(responses.chunk(index, "assistant", "", null));
            }
            List<Usage> usages = choices.run(request.n(), sse::clientGone,
                    (index, cancelled) -> streamReply(sse, request, responses, index, cancelled));
            if (request.includeUsage()) {
                sse.event(responses.usageChunk(ChoiceUsage.ofPrompt(usages)));
            }
        } catch (ApiException | NemotronException e) {
            ApiException api = ErrorBody.fromRuntime(e);
            sse.event(ErrorBody.json(mapper, api));
        }
    }

    /**
     * One choice streamed: each chunk carries its piece and the logprobs of the tokens drawn for it (a piece
     * a parser held back comes later with its tokens); a choice cancelled (the client left, or another choice
     * failed) sends no finish chunk.
     */
    private Usage streamReply(SseWriter sse, ChatRequest request, ChatResponses responses, int index,
            BooleanSupplier cancelled) {
        try (ChatSession chat = model.newChat(request.chatOptions())) {
            GeneratedText text = new GeneratedText();
            int[] toolIndex = {0};
            ChatReply reply = chat.stream(request.messages(), ParallelChoices.seededFor(request.generation(), index),
                    delta -> {
                        ObjectNode piece = splitReasoning
                                ? responses.delta(delta.reasoning(), delta.content(), delta.toolCalls(), toolIndex[0])
                                : responses.delta("", text.push(delta), delta.toolCalls(), toolIndex[0]);
                        toolIndex[0] += delta.toolCalls().size();
                        ObjectNode logprobs = delta.logprobs().isEmpty() ? null
                                : logprobs(request, delta.logprobs(), responses);
                        if (!piece.isEmpty() || logprobs != null) {
                            sse.event(responses.chunk(index, piece, logprobs, null));
                        }
                    }, cancelled, request.replyStart());
            counters.record(reply.usage(), reply.finishReason());
            if (!cancelled.getAsBoolean()) {
                sse.event(responses.chunk(index, responses.delta("", "", List.of(), 0), null,
                        reply.finishReason().wireName()));
            }
            return reply.usage();
        }
    }

    private ObjectNode logprobs(ChatRequest request, ChatReply reply, ChatResponses responses) {
        return logprobs(request, reply.logprobs(), responses);
    }

    /** OpenAI's chat logprobs of {@code tokens} (null when the request did not ask for them). */
    private ObjectNode logprobs(ChatRequest request, List<SampledToken> tokens, ChatResponses responses) {
        if (request.topLogprobs() < 0) {
            return null;
        }
        Tokenizer tokenizer = model.chatResources().tokenizer();
        return responses.logprobs(tokens, request.topLogprobs(), id -> tokenizer.decode(new int[] {id}));
    }
}
