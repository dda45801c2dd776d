package dev.nemotron4j.chat;

import dev.nemotron4j.config.GenerationConfig;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.tokenizer.Tokenizer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What chatting with a model folder needs besides the weights: its tokenizer, chat template, end-of-turn
 * ids and published sampling defaults. Loaded once per model on first use. Owns the tokenizer's native
 * memory: {@link #close()} it.
 */
public final class ChatResources implements AutoCloseable {
    private final Tokenizer tokenizer;
    private final PromptRenderer renderer;
    private final GenerationConfig generationConfig;
    private final Set<Integer> endOfTurnIds;

    private ChatResources(Tokenizer tokenizer, PromptRenderer renderer, GenerationConfig generationConfig,
            Set<Integer> endOfTurnIds) {
        this.tokenizer = tokenizer;
        this.renderer = renderer;
        this.generationConfig = generationConfig;
        this.endOfTurnIds = Set.copyOf(endOfTurnIds);
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
            return new ChatResources(tokenizer, renderer, generation, eos);
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
