package dev.nemotron4j;

import dev.nemotron4j.chat.ChatResources;
import dev.nemotron4j.engine.EngineSequence;
import dev.nemotron4j.generation.Generator;
import dev.nemotron4j.generation.TokenText;
import dev.nemotron4j.tokenizer.IncrementalDecoder;
import java.security.SecureRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A raw continuation of prompt tokens, with no chat template ({@code /v1/completions}): the engine and
 * {@link Generator} as a chat turn uses them. The caller reads each delta's {@link Delta#text()}, the
 * text exactly as decoded and cut at a stop string (the reasoning / content split, which trims
 * whitespace, is beside the point here), and its {@link Delta#logprobs()}. The budget never applies (the
 * reply does not start inside {@code <think>}).
 */
final class RawCompletion {
    private static final SecureRandom SEEDS = new SecureRandom();

    private RawCompletion() {}

    static ChatReply run(NemotronModel model, int[] prompt, Generation generation, Consumer<Delta> listener,
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
        int context = model.contextLength();
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
        TokenText text = TokenText.of(new IncrementalDecoder(resources.tokenizer()));
        try (EngineSequence sequence = model.engine().open(generation.priority(), generation.timeout(), cancelled)) {
            sequence.feed(prompt.clone());
            return new Generator(sequence, text, setup, bounded, seed, listener, cancelled).run();
        }
    }
}
