package dev.nemotron4j.chat;

import dev.nemotron4j.config.GenerationConfig;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.generation.constraint.TokenTable;
import dev.nemotron4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What chatting with a model folder needs besides the weights: its tokenizer, chat template, end-of-turn
 * ids and published sampling defaults. Loaded once per model on first use; the token-text table of
 * constrained decoding is built on its first use. Owns the tokenizer's native memory: {@link #close()} it.
 */
public final class ChatResources implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final PromptRenderer renderer;
    private final GenerationConfig generationConfig;
    private final Set<Integer> endOfTurnIds;
    /** The width of the model's logits ({@code vocab_size}): the ids the sampler can draw. */
    private final int logitsSize;
    private volatile TokenTable tokenTable;

    private ChatResources(Tokenizer tokenizer, PromptRenderer renderer, GenerationConfig generationConfig,
            Set<Integer> endOfTurnIds, int logitsSize) {
        this.tokenizer = tokenizer;
        this.renderer = renderer;
        this.generationConfig = generationConfig;
        this.endOfTurnIds = Set.copyOf(endOfTurnIds);
        this.logitsSize = logitsSize;
    }

    /** Loads the tokenizer, template and generation config of a model folder. */
    public static ChatResources load(Path dir, NemotronConfig config) {
        Tokenizer tokenizer = Tokenizer.fromModelFolder(dir);
        try {
            PromptRenderer renderer = PromptRenderer.fromModelFolder(dir);
            GenerationConfig generation = GenerationConfig.read(dir);
            // generation_config.json's ids, else config.json's: vLLM ends a turn on either
            Set<Integer> eos = new LinkedHashSet<>(generation.eosTokenIds());
            if (eos.isEmpty()) {
                eos.addAll(config.eosTokenIds());
            }
            return new ChatResources(tokenizer, renderer, generation, eos, config.vocabSize());
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public GenerationConfig generationConfig() {
        return generationConfig;
    }

    public Set<Integer> endOfTurnIds() {
        return endOfTurnIds;
    }

    /**
     * Each id's text, for every id of the logits (ids the tokenizer lacks have none), built on first use:
     * a forced tool choice masks tokens by it. Under a second for a 131k vocabulary, once per model.
     */
    public TokenTable tokenTable() {
        TokenTable table = tokenTable;
        if (table == null) {
            synchronized (this) {
                table = tokenTable;
                if (table == null) {
                    table = buildTokenTable();
                    tokenTable = table;
                }
            }
        }
        return table;
    }

    private TokenTable buildTokenTable() {
        String[] kept = tokenizer.decodeEach(false);
        String[] skipped = tokenizer.decodeEach(true);
        String[] texts = new String[logitsSize];
        boolean[] special = new boolean[logitsSize];
        for (int id = 0; id < Math.min(logitsSize, kept.length); id++) {
            texts[id] = kept[id];
            special[id] = !kept[id].isEmpty() && skipped[id].isEmpty();  // a special token: skipped when asked
        }
        return TokenTable.of(texts, special);
    }

    /** The model's template, or {@code source} instead when it is not null (a caller's override). */
    public PromptRenderer renderer(String source) {
        return source == null ? renderer : renderer.withSource(source);
    }

    /** Renders a conversation with the model's template. */
    public String render(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            Map<String, Object> kwargs, boolean addGenerationPrompt) {
        return renderer.render(messages, tools, kwargs, addGenerationPrompt);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
