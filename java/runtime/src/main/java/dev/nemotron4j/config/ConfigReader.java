package dev.nemotron4j.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * config.json → {@link NemotronConfig}: finds the file, parses the JSON, reads each key in the order of
 * the record and leaves the cross-key checks to {@link ConfigValidator}. Keys of block kinds the
 * pattern does not use are optional (0 when absent). The legacy Mamba key names that transformers'
 * NemotronHConfig still accepts ({@code mamba_n_groups}, {@code mamba_d_conv}, {@code mamba_chunk_size},
 * {@code mamba_conv_bias}, {@code mamba_dt_limit}) are read when the current name is absent.
 */
final class ConfigReader {
    /** A config.json is a few KiB; anything this large is the wrong file, and is not read into memory. */
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    // Non-finite numbers: Python's json writes time_step_limit = (0.0, inf) as [0.0, Infinity].
    // Duplicate keys are refused: Python keeps the last one silently, which is rarely what the editor meant.
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ConfigReader() {}

    static NemotronConfig read(Path modelDir) {
        if (!Files.isDirectory(modelDir)) {
            throw new ModelLoadException("model folder " + modelDir + " does not exist or is not a directory: "
                    + "point --model at a Hugging Face model folder");
        }
        Path file = modelDir.resolve(NemotronConfig.CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("no " + NemotronConfig.CONFIG_FILE + " in " + modelDir
                    + ": point --model at a Hugging Face model folder");
        }
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new ModelLoadException(file + " is " + size + " bytes; a config.json is a few KiB: "
                        + "is this the right file?");
            }
            return parse(MAPPER.readTree(Files.readAllBytes(file)), file.toString());
        } catch (JsonProcessingException e) {
            throw invalidJson(e, file.toString());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static NemotronConfig parse(String json, String sourceName) {
        try {
            return parse(MAPPER.readTree(json), sourceName);
        } catch (JsonProcessingException e) {
            throw invalidJson(e, sourceName);
        }
    }

    private static ModelLoadException invalidJson(JsonProcessingException e, String source) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new ModelLoadException(source + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }

    private static NemotronConfig parse(JsonNode tree, String source) {
        if (tree == null || !tree.isObject()) {
            String got = tree == null || tree.isMissingNode() ? "nothing"
                    : tree.getNodeType().toString().toLowerCase(Locale.ROOT);
            throw new ModelLoadException(source + ": expected a JSON object, got " + got);
        }
        ConfigJson json = new ConfigJson((ObjectNode) tree, source);
        String modelType = checkArchitecture(json);
        List<LayerKind> layers = LayerPatterns.read(json);
        if (layers.contains(LayerKind.MOE)) {
            // Refused before any other key is required, so a Nemotron 3 config gets this message and
            // not one about a key the MoE blocks would have needed.
            throw json.error("layer " + layers.indexOf(LayerKind.MOE) + " of \"" + LayerKind.pattern(layers)
                    + "\" is an MoE block: MoE blocks ('E', Nemotron 3) are not supported yet");
        }
        boolean mamba = layers.contains(LayerKind.MAMBA);
        boolean attention = layers.contains(LayerKind.ATTENTION);
        boolean mlp = layers.contains(LayerKind.MLP);

        int hiddenSize = json.requiredInt("hidden_size");
        int numAttentionHeads = attention ? json.requiredInt("num_attention_heads")
                : json.optionalInt("num_attention_heads", 0);
        int numKeyValueHeads = json.optionalInt("num_key_value_heads", numAttentionHeads);
        int headDim;
        if (json.has("head_dim")) {
            headDim = json.requiredInt("head_dim");
        } else {
            // as the reference and vLLM do: hidden_size // num_attention_heads when absent or null
            // (transformers 5 would assume 128, which no released checkpoint relies on)
            if (attention && numAttentionHeads > 0 && hiddenSize % numAttentionHeads != 0) {
                throw json.error("\"head_dim\" is absent and hidden_size " + hiddenSize
                        + " is not a multiple of num_attention_heads " + numAttentionHeads + ": set head_dim");
            }
            headDim = numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0;
        }
        double[] timeStepLimit = timeStepLimit(json);
        NemotronConfig config = new NemotronConfig(
                modelType,
                json.requiredInt("vocab_size"),
                hiddenSize,
                layers,
                numAttentionHeads,
                numKeyValueHeads,
                headDim,
                mlp ? json.requiredInt("intermediate_size") : json.optionalInt("intermediate_size", 0),
                mambaInt(json, mamba, "mamba_num_heads"),
                mambaInt(json, mamba, "mamba_head_dim"),
                mambaInt(json, mamba, json.pick("n_groups", "mamba_n_groups")),
                mambaInt(json, mamba, "ssm_state_size"),
                mambaInt(json, mamba, json.pick("conv_kernel", "mamba_d_conv")),
                json.optionalInt(json.pick("chunk_size", "mamba_chunk_size"), NemotronConfig.DEFAULT_CHUNK_SIZE),
                json.bool(json.pick("use_conv_bias", "mamba_conv_bias"), true),
                // use_bias is what transformers' and vLLM's Mamba mixers read for in_proj/out_proj;
                // mamba_proj_bias (saved by transformers 5 but unused there) only stands in when it is absent
                json.has("use_bias") ? json.bool("use_bias", false) : json.bool("mamba_proj_bias", false),
                json.bool("attention_bias", false),
                json.bool("mlp_bias", false),
                json.has("layer_norm_epsilon") ? json.number("layer_norm_epsilon", 1e-5)
                        : json.number("rms_norm_eps", 1e-5),
                timeStepLimit[0],
                timeStepLimit[1],
                json.optionalInt("max_position_embeddings", NemotronConfig.DEFAULT_MAX_POSITION_EMBEDDINGS),
                json.optionalInt("bos_token_id"),
                json.intOrIntList("eos_token_id"),
                json.optionalInt("pad_token_id"),
                json.bool("tie_word_embeddings", false),
                json.has("torch_dtype") ? json.string("torch_dtype") : json.string("dtype"),
                json.string("mlp_hidden_act").orElse("relu2"),
                json.string("mamba_hidden_act").orElse("silu"));
        ConfigValidator.validate(config, json);
        return config;
    }

    private static int mambaInt(ConfigJson json, boolean required, String key) {
        return required ? json.requiredInt(key) : json.optionalInt(key, 0);
    }

    private static String checkArchitecture(ConfigJson json) {
        Optional<String> modelType = json.string("model_type");
        if (modelType.isEmpty()) {
            throw json.error("missing required key \"model_type\"; nemotron4j runs only \""
                    + NemotronConfig.MODEL_TYPE + "\" models (" + NemotronConfig.ARCHITECTURE + ")");
        }
        if (!modelType.get().equals(NemotronConfig.MODEL_TYPE)) {
            throw json.error("model_type is \"" + modelType.get() + "\", which is not supported: nemotron4j runs only \""
                    + NemotronConfig.MODEL_TYPE + "\" models (" + NemotronConfig.ARCHITECTURE + ")");
        }
        List<String> architectures = json.stringList("architectures");
        if (architectures != null && !architectures.contains(NemotronConfig.ARCHITECTURE)) {
            throw json.error("architectures is " + architectures + ", which does not include "
                    + NemotronConfig.ARCHITECTURE + ", the only architecture nemotron4j runs");
        }
        return modelType.get();
    }

    /** {@code time_step_limit}: [min, max] of the dt clamp; absent or null means [0, +∞) (no clamp). */
    private static double[] timeStepLimit(ConfigJson json) {
        String key = json.pick("time_step_limit", "mamba_dt_limit");
        JsonNode node = json.node(key);
        if (node == null) {
            return new double[] {0.0, Double.POSITIVE_INFINITY};
        }
        if (!node.isArray() || node.size() != 2) {
            throw json.error("\"" + key + "\" must be a list of two numbers [min, max], got " + node);
        }
        List<Double> limits = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            String what = "\"" + key + "\"[" + i + "]";
            double value = json.pythonFloat(node.get(i), what);
            if (Double.isNaN(value)) {
                throw json.error(what + " is NaN; use [0.0, Infinity] for no clamp");
            }
            limits.add(value);
        }
        return new double[] {limits.get(0), limits.get(1)};
    }
}
