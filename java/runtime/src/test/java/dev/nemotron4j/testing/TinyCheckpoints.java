package dev.nemotron4j.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.weights.Checkpoint;
import dev.nemotron4j.weights.ExpectedTensors;
import dev.nemotron4j.weights.TensorDType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes random tiny Nemotron-H model folders ({@code config.json} + {@code model.safetensors}, or N
 * shards + {@code model.safetensors.index.json}) in the Hugging Face layout, for tests that load a
 * model. By default the folder is valid: exactly the tensors of {@link ExpectedTensors}, with values of
 * a sensible scale (A_log = log U(1, 8), norms U(0.6, 1.4), linear weights N(0, 1)/√in), so a forward
 * pass stays finite. The defaults are the shape of the {@code tiny-a} fixture; every width can be set,
 * and hooks break the folder on purpose (config keys, omitted, extra or mis-shaped tensors).
 *
 * <pre>{@code
 * Path model = TinyCheckpoints.builder().pattern("M-*").dtype(TensorDType.BF16).shards(2).seed(7)
 *         .write(tempDir.resolve("m"));
 * }</pre>
 */
public final class TinyCheckpoints {
    private static final JsonMapper JSON = JsonMapper.builder()
            // Python's json writes inf as a bare Infinity; so must a realistic config.json
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private TinyCheckpoints() {}

    /** A builder with the tiny-a shape, F32, one file, seed 0. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and writes one model folder. */
    public static final class Builder {
        private String pattern = "M-*-MM*-M-";
        private boolean layersBlockType;
        private int vocabSize = 512;
        private int hiddenSize = 64;
        private int numAttentionHeads = 4;
        private int numKeyValueHeads = 2;
        private int headDim = 24;
        private int intermediateSize = 160;
        private int mambaNumHeads = 8;
        private int mambaHeadDim = 16;
        private int nGroups = 2;
        private int ssmStateSize = 16;
        private int convKernel = 4;
        private int chunkSize = 16;
        private boolean useConvBias = true;
        private boolean mambaProjBias;
        private boolean attentionBias;
        private boolean mlpBias;
        private boolean tieWordEmbeddings;
        private TensorDType dtype = TensorDType.F32;
        private int shards = 1;
        private long seed;
        private final Map<String, Object> configOverrides = new LinkedHashMap<>();
        private final Set<String> configRemovals = new HashSet<>();
        private final Set<String> omitted = new HashSet<>();
        private final Map<String, long[]> reshaped = new LinkedHashMap<>();
        private final Map<String, long[]> extra = new LinkedHashMap<>();

        private Builder() {}

        /** The layers as {@code hybrid_override_pattern} spells them, e.g. {@code "M-*"}. */
        public Builder pattern(String pattern) {
            this.pattern = pattern;
            return this;
        }

        /**
         * Writes the pattern as a {@code layers_block_type} list instead, in the names transformers 5's
         * {@code save_pretrained} writes ({@code linear_attention}, {@code full_attention}, {@code mlp},
         * {@code moe}).
         */
        public Builder layersBlockType(boolean useList) {
            this.layersBlockType = useList;
            return this;
        }

        public Builder vocabSize(int vocabSize) {
            this.vocabSize = vocabSize;
            return this;
        }

        public Builder hiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        /** {@code num_attention_heads}, {@code num_key_value_heads}, {@code head_dim}. */
        public Builder attention(int heads, int kvHeads, int headDim) {
            this.numAttentionHeads = heads;
            this.numKeyValueHeads = kvHeads;
            this.headDim = headDim;
            return this;
        }

        public Builder intermediateSize(int intermediateSize) {
            this.intermediateSize = intermediateSize;
            return this;
        }

        /** {@code mamba_num_heads}, {@code mamba_head_dim}, {@code n_groups}, {@code ssm_state_size}. */
        public Builder mamba(int heads, int headDim, int groups, int stateSize) {
            this.mambaNumHeads = heads;
            this.mambaHeadDim = headDim;
            this.nGroups = groups;
            this.ssmStateSize = stateSize;
            return this;
        }

        public Builder convKernel(int convKernel) {
            this.convKernel = convKernel;
            return this;
        }

        public Builder chunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        public Builder useConvBias(boolean on) {
            this.useConvBias = on;
            return this;
        }

        /** {@code use_bias}: biases on the Mamba in_proj and out_proj. */
        public Builder mambaProjBias(boolean on) {
            this.mambaProjBias = on;
            return this;
        }

        public Builder attentionBias(boolean on) {
            this.attentionBias = on;
            return this;
        }

        public Builder mlpBias(boolean on) {
            this.mlpBias = on;
            return this;
        }

        public Builder tieWordEmbeddings(boolean on) {
            this.tieWordEmbeddings = on;
            return this;
        }

        /** The stored type of every tensor: F32 (default), BF16 or F16. */
        public Builder dtype(TensorDType dtype) {
            this.dtype = dtype;
            return this;
        }

        /** Splits the tensors over this many shard files with an index (1: one model.safetensors). */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** Seeds the random values; the same seed writes the same bytes. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets any config.json key after the typed settings ({@code null} writes JSON null). The tensors
         * follow the resulting config when it is valid, and the config without overrides otherwise, so
         * a hostile config.json can sit beside a valid checkpoint.
         */
        public Builder config(String key, Object value) {
            configOverrides.put(key, value);
            configRemovals.remove(key);
            return this;
        }

        /** Leaves a key out of config.json. */
        public Builder removeConfig(String key) {
            configRemovals.add(key);
            configOverrides.remove(key);
            return this;
        }

        /** Leaves an expected tensor out of the checkpoint. */
        public Builder omitTensor(String name) {
            omitted.add(name);
            return this;
        }

        /** Writes an expected tensor with another shape (and as many values). */
        public Builder reshapeTensor(String name, long... shape) {
            reshaped.put(name, shape.clone());
            return this;
        }

        /** Writes a tensor the config does not imply. */
        public Builder extraTensor(String name, long... shape) {
            extra.put(name, shape.clone());
            return this;
        }

        /** The config.json text this builder writes. */
        public String configJson() {
            try {
                return JSON.writeValueAsString(configMap(true));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The parsed config of the written folder (the un-overridden one if the overrides make it invalid). */
        public NemotronConfig config() {
            try {
                return NemotronConfig.parse(configJson(), "TinyCheckpoints config.json");
            } catch (ModelLoadException e) {
                try {
                    return NemotronConfig.parse(JSON.writeValueAsString(configMap(false)), "TinyCheckpoints base");
                } catch (JsonProcessingException j) {
                    throw new IllegalStateException(j);
                }
            }
        }

        /** The tensor names and shapes this builder writes, in model order. */
        public Map<String, long[]> tensorShapes() {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            for (ExpectedTensors.Tensor t : ExpectedTensors.of(config()).values()) {
                if (!omitted.contains(t.name())) {
                    shapes.put(t.name(), reshaped.getOrDefault(t.name(), t.shape()).clone());
                }
            }
            extra.forEach((name, shape) -> shapes.put(name, shape.clone()));
            return shapes;
        }

        /** Writes config.json and the checkpoint into {@code dir} (created if needed) and returns it. */
        public Path write(Path dir) {
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(NemotronConfig.CONFIG_FILE), configJson());
                Map<String, long[]> shapes = tensorShapes();
                Random random = new Random(seed);
                Map<String, float[]> values = new LinkedHashMap<>();
                shapes.forEach((name, shape) -> values.put(name, RandomWeights.values(name, shape, random)));
                writeCheckpoint(dir, shapes, values);
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void writeCheckpoint(Path dir, Map<String, long[]> shapes, Map<String, float[]> values)
                throws IOException {
            List<String> names = new ArrayList<>(shapes.keySet());
            if (shards < 1 || shards > names.size()) {
                throw new IllegalArgumentException("shards must be in [1, " + names.size() + "], got " + shards);
            }
            if (shards == 1) {
                fileOf(names, shapes, values).write(dir.resolve(Checkpoint.SINGLE_FILE));
                return;
            }
            Map<String, String> weightMap = new TreeMap<>(); // Hugging Face writes it sorted by name
            long totalSize = 0;
            for (int s = 0; s < shards; s++) {
                // contiguous runs of the model order, as save_pretrained fills shards layer by layer
                List<String> part = names.subList(s * names.size() / shards, (s + 1) * names.size() / shards);
                String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
                fileOf(part, shapes, values).write(dir.resolve(file));
                for (String name : part) {
                    weightMap.put(name, file);
                    totalSize += (long) values.get(name).length * dtype.bytesPerElement();
                }
            }
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("metadata", Map.of("total_size", totalSize));
            index.put("weight_map", weightMap);
            Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), JSON.writeValueAsString(index));
        }

        private SafetensorsWriter fileOf(List<String> names, Map<String, long[]> shapes, Map<String, float[]> values) {
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (String name : new TreeSet<>(names)) { // sorted by name, as safetensors does
                writer.add(name, dtype, shapes.get(name), values.get(name));
            }
            return writer;
        }

        private Map<String, Object> configMap(boolean withOverrides) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("architectures", List.of(NemotronConfig.ARCHITECTURE));
            c.put("model_type", NemotronConfig.MODEL_TYPE);
            c.put("vocab_size", vocabSize);
            c.put("hidden_size", hiddenSize);
            if (layersBlockType) {
                List<String> blockTypes = new ArrayList<>();
                for (char symbol : pattern.toCharArray()) {
                    blockTypes.add(switch (symbol) {
                        case 'M' -> "linear_attention";
                        case '*' -> "full_attention";
                        case '-' -> "mlp";
                        case 'E' -> "moe";
                        default -> String.valueOf(symbol);
                    });
                }
                c.put("layers_block_type", blockTypes);
            } else {
                c.put("hybrid_override_pattern", pattern);
            }
            c.put("num_attention_heads", numAttentionHeads);
            c.put("num_key_value_heads", numKeyValueHeads);
            c.put("head_dim", headDim);
            c.put("intermediate_size", intermediateSize);
            c.put("mamba_num_heads", mambaNumHeads);
            c.put("mamba_head_dim", mambaHeadDim);
            c.put("n_groups", nGroups);
            c.put("ssm_state_size", ssmStateSize);
            c.put("conv_kernel", convKernel);
            c.put("chunk_size", chunkSize);
            c.put("layer_norm_epsilon", 1e-5);
            c.put("max_position_embeddings", 4096);
            c.put("bos_token_id", 1);
            c.put("eos_token_id", 2);
            c.put("pad_token_id", 0);
            c.put("tie_word_embeddings", tieWordEmbeddings);
            c.put("num_hidden_layers", pattern.length());
            c.put("expand", 2);
            c.put("mlp_hidden_act", "relu2");
            c.put("mamba_hidden_act", "silu");
            c.put("use_bias", mambaProjBias);
            c.put("use_conv_bias", useConvBias);
            c.put("attention_bias", attentionBias);
            c.put("mlp_bias", mlpBias);
            c.put("residual_in_fp32", false);
            c.put("time_step_limit", List.of(0.0, Double.POSITIVE_INFINITY));
            c.put("torch_dtype", dtype == TensorDType.BF16 ? "bfloat16" : dtype == TensorDType.F16 ? "float16" : "float32");
            if (withOverrides) {
                c.putAll(configOverrides);
                c.keySet().removeAll(configRemovals);
            }
            return c;
        }
    }
}
