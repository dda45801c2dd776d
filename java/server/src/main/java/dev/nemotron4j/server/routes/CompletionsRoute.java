package dev.nemotron4j.server.routes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.ChatReply;
import dev.nemotron4j.Generation;
import dev.nemotron4j.NemotronException;
import dev.nemotron4j.NemotronModel;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.server.errors.ApiException;
import dev.nemotron4j.server.errors.ErrorBody;
import dev.nemotron4j.server.sse.SseWriter;
import dev.nemotron4j.server.wire.CompletionRequest;
import dev.nemotron4j.server.wire.CompletionResponses;
import dev.nemotron4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /v1/completions}: a raw continuation of each prompt (text or token ids, no chat template) on
 * the model's engine ({@link NemotronModel#complete}), answered as one {@code text_completion} or streamed
 * as one per event. The streamed texts concatenate to the non-streamed text by construction. Every prompt
 * gets {@code n} choices, all run concurrently ({@link ParallelChoices}); as vLLM, choice
 * {@code promptIndex * n + j} is prompt promptIndex's sample j, drawn with seed + j. Streamed, each piece
 * carries the logprobs of its tokens ({@code text_offset} counting on through the choice's text). With
 * {@code echo} the prompt text comes first: in front of the text, or streamed as each choice's first chunk.
 */
public final class CompletionsRoute implements Route {
    private final ObjectMapper mapper;
    private final JsonBody body;
    private final NemotronModel model;
    private final String modelName;
    private final ServedCounters counters;
    private final ParallelChoices choices;

    public CompletionsRoute(ObjectMapper mapper, JsonBody body, NemotronModel model, String modelName,
            ServedCounters counters, ParallelChoices choices) {
        this.mapper = mapper;
        this.body = body;
        this.model = model;
        this.modelName = modelName;
        this.counters = counters;
        this.choices = choices;
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
        CompletionRequest request = CompletionRequest.parse(body.read(exchange), RequestDefaults.of(model));
        ApiException.requireServedModel(request.model(), modelName);
        Tokenizer tokenizer = model.chatResources().tokenizer();
        List<int[]> prompts = new ArrayList<>();
        for (CompletionRequest.Prompt prompt : request.prompts()) {
            prompts.add(checkPrompt(prompt.tokens(tokenizer::encode)));
        }
        var responses = new CompletionResponses(mapper, "cmpl-" + UUID.randomUUID().toString().replace("-", ""),
                System.currentTimeMillis() / 1000, modelName);
        if (request.stream()) {
            stream(exchange, request, prompts, responses);
            return;
        }
        List<Completed> completed = choices.run(prompts.size() * request.n(), () -> false, (index, cancelled) -> {
            StringBuilder text = new StringBuilder();
            ChatReply reply = model.complete(prompts.get(index / request.n()), generation(request, index),
                    text::append, cancelled);
            counters.record(reply.usage(), reply.finishReason());
            return new Completed(reply, text.toString());
        });
        List<ObjectNode> out = new ArrayList<>();
        List<Usage> usages = new ArrayList<>();
        for (int index = 0; index < completed.size(); index++) {
            ChatReply reply = completed.get(index).reply();
            String echo = request.echo() ? echo(request, index) : "";
            out.add(responses.choice(index, echo + completed.get(index).text(), logprobs(request, reply, responses),
                    reply.finishReason().wireName()));
            usages.add(reply.usage());
        }
        Responses.json(exchange, mapper, 200, responses.completion(out, ChoiceUsage.of(usages, request.n())));
    }

    /** A finished choice: the runtime's reply and its text exactly as decoded (cut at a stop string). */
    private record Completed(ChatReply reply, String text) {}

    /** Choice {@code index}'s sampling: sample {@code index % n} of its prompt. */
    private static Generation generation(CompletionRequest request, int index) {
        return ParallelChoices.seededFor(request.generation(), index % request.n());
    }

    /** The prompt text choice {@code index} echoes (token ids decoded). */
    private String echo(CompletionRequest request, int index) {
        return request.prompts().get(index / request.n()).text(model.chatResources().tokenizer()::decode);
    }

    private ObjectNode logprobs(CompletionRequest request, ChatReply reply, CompletionResponses responses) {
        return logprobs(request, reply.logprobs(), 0, responses);
    }

    /** The legacy logprobs of {@code tokens}, starting at {@code firstOffset} (null when not asked for). */
    private ObjectNode logprobs(CompletionRequest request, List<SampledToken> tokens, int firstOffset,
            CompletionResponses responses) {
        if (request.logprobs() < 0) {
            return null;
        }
        Tokenizer tokenizer = model.chatResources().tokenizer();
        return responses.logprobs(tokens, request.logprobs(), id -> tokenizer.decode(new int[] {id}), firstOffset);
    }

    /** Checked before a stream's 200 goes out (the runtime checks again). */
    private int[] checkPrompt(int[] prompt) {
        int vocab = model.config().vocabSize();
        for (int id : prompt) {
            if (id >= vocab) {
                throw ApiException.badRequest("token id " + id + " is outside the vocabulary [0, " + vocab + ")",
                        "prompt");
            }
        }
        int context = model.contextLength();
        if (prompt.length >= context) {
            throw ApiException.badRequest("the prompt has " + prompt.length + " tokens; the model's context length is "
                    + context, "prompt");
        }
        return prompt;
    }

    /** As the chat route: an error after the 200 ends the stream with an error event, then {@code [DONE]}. */
    private void stream(HttpExchange exchange, CompletionRequest request, List<int[]> prompts,
            CompletionResponses responses) throws IOException {
        try (SseWriter sse = SseWriter.open(exchange, mapper)) {
            streamChoices(sse, request, prompts, responses);
            sse.done();
        }
        exchange.close();
    }

    /**
     * The echoed prompts first (one chunk per choice), then the choices' pieces as they come (interleaved,
     * each with its index), each choice's finish chunk when it ends, and the usage over all of them last.
     * The client going away (its writer's watcher notices) cancels every choice wherever it is.
     */
    private void streamChoices(SseWriter sse, CompletionRequest request, List<int[]> prompts,
            CompletionResponses responses) {
        try {
            int count = prompts.size() * request.n();
            if (request.echo()) {
                for (int index = 0; index < count; index++) {
                    sse.event(responses.chunk(index, echo(request, index), null, null));
                }
            }
            List<Usage> usages = choices.run(count, sse::clientGone, (index, cancelled) -> {
                int[] offset = {0};
                ChatReply reply = model.completeStreaming(prompts.get(index / request.n()), generation(request, index),
                        delta -> {
                            ObjectNode logprobs = delta.logprobs().isEmpty() ? null
                                    : logprobs(request, delta.logprobs(), offset[0], responses);
                            if (logprobs != null) {
                                offset[0] = CompletionResponses.endOffset(logprobs);
                            }
                            if (!delta.text().isEmpty() || logprobs != null) {
                                sse.event(responses.chunk(index, delta.text(), logprobs, null));
                            }
                        }, cancelled);
                counters.record(reply.usage(), reply.finishReason());
                if (!cancelled.getAsBoolean()) {  // a cancelled choice (client gone, a sibling failed) says nothing
                    sse.event(responses.chunk(index, "", null, reply.finishReason().wireName()));
                }
                return reply.usage();
            });
            if (request.includeUsage()) {
                sse.event(responses.usageChunk(ChoiceUsage.of(usages, request.n())));
            }
        } catch (ApiException | NemotronException e) {
            sse.event(ErrorBody.json(mapper, ErrorBody.fromRuntime(e)));
        }
    }
}
