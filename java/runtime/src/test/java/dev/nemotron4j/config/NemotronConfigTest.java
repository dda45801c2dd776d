package dev.nemotron4j.config;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.testing.TinyA;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json → NemotronConfig: both spellings, defaults, derived widths, and each refusal's message. */
class NemotronConfigTest {
    static final String TINY_A = TinyA.CONFIG_JSON;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .build();

    static ObjectNode tinyA() {
        try {
            return (ObjectNode) JSON.readTree(TINY_A);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NemotronConfig parse(ObjectNode json) {
        return NemotronConfig.parse(json.toString(), "test/config.json");
    }

    @Test
    void readsTinyA() {
        NemotronConfig c = NemotronConfig.parse(TINY_A, "tiny-a/config.json");
        assertEquals("nemotron_h", c.modelType());
        assertEquals("M-*-MM*-M-", c.layerPattern());
        assertEquals(10, c.numHiddenLayers());
        assertEquals(4, c.count(LayerKind.MAMBA));
        assertEquals(2, c.count(LayerKind.ATTENTION));
        assertEquals(4, c.count(LayerKind.MLP));
        assertEquals(0, c.count(LayerKind.MOE));
        assertEquals(512, c.vocabSize());
        assertEquals(64, c.hiddenSize());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(24, c.headDim());
        assertEquals(160, c.intermediateSize());
        assertEquals(8, c.mambaNumHeads());
        assertEquals(16, c.mambaHeadDim());
        assertEquals(2, c.nGroups());
        assertEquals(16, c.ssmStateSize());
        assertEquals(4, c.convKernel());
        assertEquals(16, c.chunkSize());
        assertTrue(c.useConvBias());
        assertFalse(c.mambaProjBias());
        assertFalse(c.attentionBias());
        assertFalse(c.mlpBias());
        assertEquals(1e-5, c.layerNormEpsilon());
        assertEquals(0.0, c.timeStepLimitMin());
        assertEquals(Double.POSITIVE_INFINITY, c.timeStepLimitMax());
        assertEquals(4096, c.maxPositionEmbeddings());
        assertEquals(OptionalInt.of(1), c.bosTokenId());
        assertEquals(List.of(2), c.eosTokenIds());
        assertEquals(OptionalInt.of(0), c.padTokenId());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(Optional.of("float32"), c.torchDtype());
        assertEquals("relu2", c.mlpHiddenAct());
        assertEquals("silu", c.mambaHiddenAct());
        // d_inner is heads × head_dim (128), not expand × hidden (also 128 here, hence the next test)
        assertEquals(128, c.dInner());
        assertEquals(192, c.convDim());
        assertEquals(328, c.dInProj());
    }

    @Test
    void derivedWidthsOfThe9B() {
        ObjectNode json = tinyA();
        String pattern = "M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-";
        json.put("hybrid_override_pattern", pattern).put("num_hidden_layers", pattern.length())
                .put("hidden_size", 4480).put("num_attention_heads", 40).put("num_key_value_heads", 8)
                .put("head_dim", 128).put("intermediate_size", 15680).put("mamba_num_heads", 128)
                .put("mamba_head_dim", 80).put("n_groups", 8).put("ssm_state_size", 128)
                .put("chunk_size", 128).put("vocab_size", 131072);
        NemotronConfig c = parse(json);
        assertEquals(56, c.numHiddenLayers());
        assertEquals(10240, c.dInner()); // expand × hidden would say 8960
        assertEquals(12288, c.convDim());
        assertEquals(22656, c.dInProj()); // the rows of the 9B's in_proj.weight
    }

    @Test
    void readsFromAModelFolder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_A);
        assertEquals("M-*-MM*-M-", NemotronConfig.read(dir).layerPattern());
    }

    @Test
    void missingFolderAndMissingFileAreNamed(@TempDir Path dir) {
        assertLoadError(() -> NemotronConfig.read(dir), "no config.json in " + dir,
                "point --model at a Hugging Face model folder");
        Path absent = dir.resolve("nope");
        assertLoadError(() -> NemotronConfig.read(absent), absent.toString(), "does not exist");
    }

    @Test
    void invalidJsonNamesFileLineAndColumn(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\n  \"model_type\": \"nemotron_h\",\n  \"vocab_size\": 5x\n}");
        assertLoadError(() -> NemotronConfig.read(dir), dir.resolve("config.json").toString(),
                "not valid JSON", "line 3");
    }

    @Test
    void notAnObjectAndDuplicateKeysAreRefused() {
        assertLoadError(() -> NemotronConfig.parse("[1, 2]", "x/config.json"), "x/config.json", "JSON object");
        assertLoadError(() -> NemotronConfig.parse("{\"hidden_size\": 1, \"hidden_size\": 2}", "x/config.json"),
                "x/config.json", "hidden_size");
    }

    @Test
    void transformersLayersBlockTypeSpelling() {
        ObjectNode json = tinyA();
        json.remove("hybrid_override_pattern");
        json.putArray("layers_block_type").add("mamba").add("mlp").add("attention").add("mlp").add("mamba")
                .add("mamba").add("full_attention").add("mlp").add("linear_attention").add("mlp");
        assertEquals("M-*-MM*-M-", parse(json).layerPattern());
    }

    @Test
    void bothSpellingsMustAgree() {
        ObjectNode json = tinyA();
        json.putArray("layers_block_type").add("mamba").add("mlp").add("attention").add("mlp").add("mamba")
                .add("mamba").add("attention").add("mlp").add("mamba").add("mlp");
        assertEquals("M-*-MM*-M-", parse(json).layerPattern());
        json.withArray("layers_block_type").set(2, "mamba");
        assertLoadError(() -> parse(json), "test/config.json", "hybrid_override_pattern", "layers_block_type",
                "disagree at layer 2");
    }

    @Test
    void unknownBlockTypeIsNamed() {
        ObjectNode json = tinyA();
        json.remove("hybrid_override_pattern");
        json.remove("num_hidden_layers");
        json.putArray("layers_block_type").add("mamba").add("sliding_attention");
        assertLoadError(() -> parse(json), "test/config.json", "layers_block_type", "[1]", "sliding_attention");
    }

    @Test
    void patternIsRequiredInOneSpelling() {
        ObjectNode json = tinyA();
        json.remove("hybrid_override_pattern");
        assertLoadError(() -> parse(json), "test/config.json", "hybrid_override_pattern", "layers_block_type");
    }

    @Test
    void badPatternCharacterIsNamed() {
        ObjectNode json = tinyA();
        json.put("hybrid_override_pattern", "M-*-MX*-M-");
        assertLoadError(() -> parse(json), "test/config.json", "hybrid_override_pattern", "'X'", "layer 5");
    }

    @Test
    void numHiddenLayersMustMatchThePattern() {
        ObjectNode json = tinyA();
        json.put("num_hidden_layers", 9);
        assertLoadError(() -> parse(json), "test/config.json", "num_hidden_layers", "9", "10 layers");
    }

    @Test
    void moeIsRefusedInBothSpellings() {
        ObjectNode json = tinyA();
        json.put("hybrid_override_pattern", "M-*-ME*-M-");
        assertLoadError(() -> parse(json), "test/config.json", "MoE blocks ('E', Nemotron 3) are not supported yet",
                "layer 5");
        ObjectNode list = tinyA();
        list.remove("hybrid_override_pattern");
        list.put("num_hidden_layers", 2);
        list.putArray("layers_block_type").add("mamba").add("moe");
        assertLoadError(() -> parse(list), "test/config.json", "MoE blocks ('E', Nemotron 3) are not supported yet");
    }

    @Test
    void tooManyLayersAreRefused() {
        ObjectNode json = tinyA();
        json.remove("num_hidden_layers");
        json.put("hybrid_override_pattern", String.join("", Collections.nCopies(513, "M")));
        assertLoadError(() -> parse(json), "test/config.json", "hybrid_override_pattern", "513 layers", "512");
    }

    @Test
    void wrongModelTypeOrArchitectureIsNamed() {
        ObjectNode json = tinyA();
        json.put("model_type", "llama");
        assertLoadError(() -> parse(json), "test/config.json", "model_type", "\"llama\"", "nemotron_h");
        ObjectNode noType = tinyA();
        noType.remove("model_type");
        assertLoadError(() -> parse(noType), "test/config.json", "model_type", "nemotron_h");
        ObjectNode arch = tinyA();
        arch.putArray("architectures").add("NemotronHForSequenceClassification");
        assertLoadError(() -> parse(arch), "test/config.json", "architectures",
                "NemotronHForSequenceClassification", "NemotronHForCausalLM");
        ObjectNode noArch = tinyA();
        noArch.remove("architectures");
        assertEquals(10, parse(noArch).numHiddenLayers());
    }

    @Test
    void missingRequiredKeysAreNamed() {
        for (String key : List.of("vocab_size", "hidden_size", "mamba_num_heads", "mamba_head_dim", "n_groups",
                "ssm_state_size", "conv_kernel", "num_attention_heads", "intermediate_size")) {
            ObjectNode json = tinyA();
            json.remove(key);
            assertLoadError(() -> parse(json), "test/config.json", "missing required key \"" + key + "\"");
            ObjectNode nulled = tinyA();
            nulled.putNull(key);
            assertLoadError(() -> parse(nulled), "test/config.json", "\"" + key + "\"");
        }
    }

    @Test
    void wrongTypesAreNamed() {
        ObjectNode json = tinyA();
        json.put("hidden_size", "64");
        assertLoadError(() -> parse(json), "test/config.json", "\"hidden_size\" must be an integer", "\"64\"");
        json.put("hidden_size", 64.5);
        assertLoadError(() -> parse(json), "test/config.json", "\"hidden_size\" must be an integer", "64.5");
        json.put("hidden_size", 1L << 40);
        assertLoadError(() -> parse(json), "test/config.json", "\"hidden_size\"", "32-bit");
        ObjectNode bool = tinyA();
        bool.put("use_conv_bias", "yes");
        assertLoadError(() -> parse(bool), "test/config.json", "\"use_conv_bias\" must be true or false");
        ObjectNode pattern = tinyA();
        pattern.put("hybrid_override_pattern", 5);
        assertLoadError(() -> parse(pattern), "test/config.json", "\"hybrid_override_pattern\" must be a string");
        ObjectNode eps = tinyA();
        eps.put("layer_norm_epsilon", "small");
        assertLoadError(() -> parse(eps), "test/config.json", "\"layer_norm_epsilon\" must be a number");
    }

    @Test
    void nonPositiveSizesAreNamed() {
        for (String key : List.of("vocab_size", "hidden_size", "mamba_num_heads", "mamba_head_dim", "n_groups",
                "ssm_state_size", "conv_kernel", "chunk_size", "num_attention_heads", "num_key_value_heads",
                "head_dim", "intermediate_size", "max_position_embeddings")) {
            ObjectNode json = tinyA();
            json.put(key, key.equals("n_groups") ? -1 : 0);
            assertLoadError(() -> parse(json), "test/config.json", "\"" + key + "\" must be positive");
        }
        ObjectNode eps = tinyA();
        eps.put("layer_norm_epsilon", 0.0);
        assertLoadError(() -> parse(eps), "test/config.json", "\"layer_norm_epsilon\" must be a positive");
    }

    @Test
    void headsMustDivideIntoGroups() {
        ObjectNode json = tinyA();
        json.put("n_groups", 3);
        assertLoadError(() -> parse(json), "test/config.json", "\"mamba_num_heads\" 8", "\"n_groups\" 3");
        ObjectNode kv = tinyA();
        kv.put("num_key_value_heads", 3);
        assertLoadError(() -> parse(kv), "test/config.json", "\"num_attention_heads\" 4", "\"num_key_value_heads\" 3");
    }

    @Test
    void unsupportedActivationsAreNamed() {
        ObjectNode json = tinyA();
        json.put("mlp_hidden_act", "gelu");
        assertLoadError(() -> parse(json), "test/config.json", "\"mlp_hidden_act\"", "gelu", "relu2");
        ObjectNode mamba = tinyA();
        mamba.put("mamba_hidden_act", "relu");
        assertLoadError(() -> parse(mamba), "test/config.json", "\"mamba_hidden_act\"", "relu", "silu");
    }

    @Test
    void keysOfUnusedBlockKindsAreNotRequired() {
        ObjectNode mambaOnly = tinyA();
        mambaOnly.put("hybrid_override_pattern", "MM").put("num_hidden_layers", 2);
        for (String key : List.of("num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size")) {
            mambaOnly.remove(key);
        }
        mambaOnly.put("mlp_hidden_act", "gelu"); // irrelevant without MLP layers
        NemotronConfig c = parse(mambaOnly);
        assertEquals(0, c.numAttentionHeads());
        assertEquals(0, c.headDim());
        assertEquals(0, c.intermediateSize());

        ObjectNode noMamba = tinyA();
        noMamba.put("hybrid_override_pattern", "*-").put("num_hidden_layers", 2);
        for (String key : List.of("mamba_num_heads", "mamba_head_dim", "n_groups", "ssm_state_size", "conv_kernel")) {
            noMamba.remove(key);
        }
        assertEquals(0, parse(noMamba).mambaNumHeads());
    }

    @Test
    void headDimDefaultsToHiddenOverHeads() {
        ObjectNode json = tinyA();
        json.remove("head_dim");
        assertEquals(16, parse(json).headDim());
        json.putNull("head_dim");
        assertEquals(16, parse(json).headDim());
        json.put("hidden_size", 66);
        assertLoadError(() -> parse(json), "test/config.json", "\"head_dim\" is absent", "66", "4");
    }

    @Test
    void defaultsOfOptionalKeys() {
        ObjectNode json = tinyA();
        for (String key : List.of("num_key_value_heads", "chunk_size", "use_conv_bias", "use_bias", "mamba_proj_bias",
                "attention_bias", "mlp_bias", "layer_norm_epsilon", "time_step_limit", "max_position_embeddings",
                "bos_token_id", "eos_token_id", "pad_token_id", "tie_word_embeddings", "torch_dtype", "mlp_hidden_act",
                "mamba_hidden_act", "num_hidden_layers")) {
            json.remove(key);
        }
        NemotronConfig c = parse(json);
        assertEquals(4, c.numKeyValueHeads());
        assertEquals(128, c.chunkSize());
        assertTrue(c.useConvBias());
        assertFalse(c.mambaProjBias());
        assertEquals(1e-5, c.layerNormEpsilon());
        assertEquals(0.0, c.timeStepLimitMin());
        assertEquals(Double.POSITIVE_INFINITY, c.timeStepLimitMax());
        assertEquals(131072, c.maxPositionEmbeddings());
        assertEquals(OptionalInt.empty(), c.bosTokenId());
        assertEquals(List.of(), c.eosTokenIds());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(Optional.empty(), c.torchDtype());
        assertEquals("relu2", c.mlpHiddenAct());
    }

    @Test
    void alternativeKeySpellings() {
        ObjectNode json = tinyA();
        json.remove("layer_norm_epsilon");
        json.remove("torch_dtype");
        json.remove("mamba_proj_bias");
        json.put("rms_norm_eps", 1e-6).put("dtype", "bfloat16").put("use_bias", true);
        json.putArray("eos_token_id").add(2).add(11);
        NemotronConfig c = parse(json);
        assertEquals(1e-6, c.layerNormEpsilon());
        assertEquals(Optional.of("bfloat16"), c.torchDtype());
        assertTrue(c.mambaProjBias());
        assertEquals(List.of(2, 11), c.eosTokenIds());
        json.put("mamba_proj_bias", false); // use_bias wins: it is what transformers' and vLLM's mixers read
        assertTrue(parse(json).mambaProjBias());
        json.remove("use_bias");
        json.put("mamba_proj_bias", true); // the stand-in when use_bias is absent
        assertTrue(parse(json).mambaProjBias());
        json.put("rms_norm_eps", -1.0);
        assertLoadError(() -> parse(json), "test/config.json", "\"rms_norm_eps\" must be a positive");
    }

    @Test
    void legacyMambaKeyNames() {
        ObjectNode json = tinyA();
        for (String key : List.of("n_groups", "conv_kernel", "chunk_size", "use_conv_bias", "time_step_limit")) {
            json.remove(key);
        }
        json.put("mamba_n_groups", 4).put("mamba_d_conv", 3).put("mamba_chunk_size", 64).put("mamba_conv_bias", false);
        json.putArray("mamba_dt_limit").add(0.001).add(100.0);
        NemotronConfig c = parse(json);
        assertEquals(4, c.nGroups());
        assertEquals(3, c.convKernel());
        assertEquals(64, c.chunkSize());
        assertFalse(c.useConvBias());
        assertEquals(0.001, c.timeStepLimitMin());
        assertEquals(100.0, c.timeStepLimitMax());
        json.put("n_groups", 2);
        assertLoadError(() -> parse(json), "test/config.json", "\"n_groups\" is 2", "\"mamba_n_groups\" is 4");
        json.put("n_groups", 4); // both spellings, same value: fine
        assertEquals(4, parse(json).nGroups());
        json.putArray("mamba_dt_limit").add(0.0).add(Double.NaN);
        json.remove("n_groups");
        assertLoadError(() -> parse(json), "test/config.json", "\"mamba_dt_limit\"[1] is NaN");
    }

    @Test
    void timeStepLimitAcceptsNonFiniteSpellings() {
        String[][] cases = {
            {"[0.0, Infinity]", "0.0", "Infinity"},
            {"[-Infinity, Infinity]", "-Infinity", "Infinity"},
            {"[0.001, 0.1]", "0.001", "0.1"},
            {"[{\"__float__\": \"-inf\"}, {\"__float__\": \"inf\"}]", "-Infinity", "Infinity"},
            {"[0.0, \"inf\"]", "0.0", "Infinity"},
            {"[\"1e-3\", \"+Infinity\"]", "0.001", "Infinity"},
            {"null", "0.0", "Infinity"},
        };
        for (String[] c : cases) {
            String json = TINY_A.replace("[0.0, Infinity]", c[0]);
            NemotronConfig config = NemotronConfig.parse(json, "t/config.json");
            assertEquals(Double.parseDouble(c[1]), config.timeStepLimitMin(), c[0]);
            assertEquals(Double.parseDouble(c[2]), config.timeStepLimitMax(), c[0]);
        }
    }

    @Test
    void timeStepLimitRefusesNaNAndBadShapes() {
        assertLoadError(() -> NemotronConfig.parse(TINY_A.replace("[0.0, Infinity]", "[0.0, NaN]"), "t/config.json"),
                "t/config.json", "\"time_step_limit\"[1] is NaN");
        assertLoadError(() -> NemotronConfig.parse(TINY_A.replace("[0.0, Infinity]", "[{\"__float__\": \"nan\"}, 1]"),
                "t/config.json"), "t/config.json", "\"time_step_limit\"[0] is NaN");
        assertLoadError(() -> NemotronConfig.parse(TINY_A.replace("[0.0, Infinity]", "[1.0, 0.5]"), "t/config.json"),
                "t/config.json", "\"time_step_limit\"", "min > max");
        assertLoadError(() -> NemotronConfig.parse(TINY_A.replace("[0.0, Infinity]", "[0.0]"), "t/config.json"),
                "t/config.json", "\"time_step_limit\" must be a list of two numbers");
        assertLoadError(() -> NemotronConfig.parse(TINY_A.replace("[0.0, Infinity]", "[0.0, \"big\"]"),
                "t/config.json"), "t/config.json", "\"time_step_limit\"[1] must be a number");
    }

    @Test
    void layersListIsImmutable() {
        NemotronConfig c = NemotronConfig.parse(TINY_A, "t");
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
                () -> c.layers().add(LayerKind.MLP));
    }
}
