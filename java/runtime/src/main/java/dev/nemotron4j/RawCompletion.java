package dev.nemotron4j;

import dev.nemotron4j.chat.ChatResources;
import dev.nemotron4j.chat.parse.StopMatcher;
import dev.nemotron4j.chat.parse.StopResult;
import dev.nemotron4j.engine.EngineSequence;
import dev.nemotron4j.generation.Generator;
import dev.nemotron4j.generation.TokenText;
import dev.nemotron4j.tokenizer.IncrementalDecoder;
import java.security.SecureRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A raw continuation of prompt tokens, with no chat template ({@code /v1/completions}): the engine and
 * {@link Generator} as a chat turn uses them, but the text goes to the caller exactly as decoded (only
 * cut at a stop string), not split into reasoning and content, which strips whitespace. The budget never
 * applies (the reply does not start inside {@code <think>}).
 */
final class RawCompletion {
    private static final SecureRandom SEEDS = new SecureRandom();

    private RawCompletion() {}

    static ChatReply run(NemotronModel model, int[] prompt, Generation generation, Consumer<String> text,
            BooleanSupplier cancelled) {
        ChatResources resources = model.chatResources();
        int vocab = model.config().vocabSize();
        if (prompt == null || prompt.length == 0) {
            throw new InvalidRequestException("the prompt is empty");
        }
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= vocab) {
                throw new InvalidRequestException("prompt token " + i + " is " + prompt[i]
                        + ", outside the vocabulary [0, " + vocab + ")");
            }
        }
        int context = model.config().maxPositionEmbeddings();
        if (prompt.length >= context) {
            throw new ContextLengthExceededException("the prompt has " + prompt.length
                    + " tokens; the model's context length is " + context);
        }
        int room = context - prompt.length;
        Generation bounded = generation.maxTokens() <= room ? generation
                : generation.toBuilder().maxTokens(room).build();
        var setup = new Generator.Setup(resources.endOfTurnIds(), new int[0], new int[0], false, false,
                prompt.length, -1);
        long seed = generation.seed() != null ? generation.seed() : SEEDS.nextLong();
        try (EngineSequence sequence = model.engine().open(generation.priority(), generation.timeout(), cancelled)) {
            sequence.feed(prompt.clone());
            return new Generator(sequence, new ExactText(resources, generation, text), setup, bounded, seed,
                    delta -> {}, cancelled).run();
        }
    }

    /** Decodes each token and hands the text, cut at the first stop string, to the caller as it comes. */
    private static final class ExactText implements TokenText {
        private final IncrementalDecoder decoder;
        private final StopMatcher stops;
        private final Consumer<String> sink;

        ExactText(ChatResources resources, Generation generation, Consumer<String> sink) {
            this.decoder = new IncrementalDecoder(resources.tokenizer());
            this.stops = new StopMatcher(generation.stop());
            this.sink = sink;
        }

        @Override
        public String push(int token) {
            String piece = decoder.push(token);
            if (!stops.stopped()) {
                send(stops.push(piece).text());
            }
            return piece;
        }

        @Override
        public String flush() {
            String piece = decoder.flush();
            if (!stops.stopped()) {
                send(stops.push(piece).text());
                if (!stops.stopped()) {
                    send(stops.finish().text());
                }
            }
            return piece;
        }

        private void send(String piece) {
            if (!piece.isEmpty()) {
                sink.accept(piece);
            }
        }
    }
}
