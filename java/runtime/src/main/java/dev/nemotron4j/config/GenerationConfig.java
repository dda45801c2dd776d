package dev.nemotron4j.config;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.Generation;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model folder's {@code generation_config.json} (optional): its end-of-turn ids and the sampling
 * defaults the model was published with (vLLM applies them too unless a request overrides them).
 *
 * @param eosTokenIds  {@code eos_token_id}, an int or a list; empty when absent
 * @param temperature  {@code temperature}, or null
 * @param topP         {@code top_p}, or null
 * @param topK         {@code top_k}, or null
 * @param maxNewTokens {@code max_new_tokens}, or null
 */
public record GenerationConfig(List<Integer> eosTokenIds, Double temperature, Double topP, Integer topK,
        Integer maxNewTokens) {
    public static final String FILE = "generation_config.json";

    public GenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads the folder's file; an absent file gives no ids and no defaults. */
    public static GenerationConfig read(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return new GenerationConfig(List.of(), null, null, null, null);
        }
        try {
            JsonNode root = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
                    .readTree(file.toFile());
            List<Integer> eos = new ArrayList<>();
            JsonNode e = root.path("eos_token_id");
            if (e.isIntegralNumber()) {
                eos.add(e.asInt());
            } else if (e.isArray()) {
                e.forEach(id -> eos.add(id.asInt()));
            }
            return new GenerationConfig(eos, number(root, "temperature"), number(root, "top_p"),
                    root.path("top_k").isIntegralNumber() ? root.path("top_k").asInt() : null,
                    root.path("max_new_tokens").isIntegralNumber() ? root.path("max_new_tokens").asInt() : null);
        } catch (IOException ex) {
            throw new ModelLoadException(file + " is not valid JSON: " + ex.getMessage(), ex);
        }
    }

    private static Double number(JsonNode root, String key) {
        return root.path(key).isNumber() ? root.path(key).asDouble() : null;
    }

    /** A builder pre-filled with these defaults (temperature, top_p, top_k, max_new_tokens as maxTokens). */
    public Generation.Builder defaults() {
        Generation.Builder b = Generation.builder();
        if (temperature != null) {
            b.temperature(temperature);
        }
        if (topP != null) {
            b.topP(topP);
        }
        if (topK != null && topK > 0) {
            b.topK(topK);
        }
        if (maxNewTokens != null && maxNewTokens > 0) {
            b.maxTokens(maxNewTokens);
        }
        return b;
    }
}
