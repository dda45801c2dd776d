package dev.nemotron4j.weights;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.testing.TinyCheckpoints;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint must hold exactly the tensors its config implies, with the implied shapes. */
class CheckpointValidatorTest {
    @TempDir
    Path dir;

    private static void validate(Path model) {
        CheckpointValidator.validate(NemotronConfig.read(model), Checkpoint.open(model));
    }

    @Test
    void validTinyCheckpointsPass() {
        validate(TinyCheckpoints.builder().write(dir.resolve("f32")));
        validate(TinyCheckpoints.builder().dtype(TensorDType.BF16).shards(4).seed(3).write(dir.resolve("bf16")));
        validate(TinyCheckpoints.builder().dtype(TensorDType.F16).write(dir.resolve("f16")));
        validate(TinyCheckpoints.builder().layersBlockType(true).write(dir.resolve("list")));
        validate(TinyCheckpoints.builder().pattern("M").write(dir.resolve("one-layer")));
        validate(TinyCheckpoints.builder().pattern("*-*").removeConfig("mamba_num_heads").write(dir.resolve("no-mamba")));
        validate(TinyCheckpoints.builder().useConvBias(false).mambaProjBias(true).attentionBias(true).mlpBias(true)
                .tieWordEmbeddings(true).write(dir.resolve("flags")));
        validate(TinyCheckpoints.builder().pattern("M*M-").hiddenSize(40).vocabSize(300).attention(6, 2, 12)
                .mamba(6, 8, 3, 4).convKernel(3).chunkSize(8).intermediateSize(48).write(dir.resolve("odd")));
    }

    @Test
    void missingTensorIsNamedWithTheFile() {
        Path model = TinyCheckpoints.builder().omitTensor("backbone.layers.4.mixer.D").write(dir.resolve("m"));
        assertLoadError(() -> validate(model), model.resolve("model.safetensors").toString(),
                "lacks 1 tensor", "backbone.layers.4.mixer.D", "config.json in " + model);
    }

    @Test
    void unexpectedTensorIsNamed() {
        Path model = TinyCheckpoints.builder().extraTensor("backbone.layers.0.mixer.gate.weight", 4, 64)
                .shards(2).write(dir.resolve("m"));
        assertLoadError(() -> validate(model), model.resolve("model.safetensors.index.json").toString(),
                "has 1 tensor the config does not imply", "backbone.layers.0.mixer.gate.weight");
    }

    @Test
    void manyMissingTensorsAreCounted() {
        // layers 0 and 1 swapped (M- → -M): 10 tensors missing and 10 unexpected, each list cut at 5
        Path model = TinyCheckpoints.builder().write(dir.resolve("m"));
        NemotronConfig wrong = TinyCheckpoints.builder().pattern("-M*-MM*-M-").config();
        ModelLoadException e = assertLoadError(() -> CheckpointValidator.validate(wrong, Checkpoint.open(model)),
                "lacks 10 tensors", "has 10 tensors the config does not imply", "and 5 more", "hybrid_override_pattern",
                "backbone.layers.0.mixer.up_proj.weight", "backbone.layers.0.mixer.A_log");
        assertEquals(1, e.getMessage().split(" lacks ").length - 1);
    }

    @Test
    void convBiasFlagMismatchShowsAsMissingBiases() {
        Path model = TinyCheckpoints.builder().useConvBias(false).write(dir.resolve("m"));
        NemotronConfig withBias = TinyCheckpoints.builder().config();
        assertLoadError(() -> CheckpointValidator.validate(withBias, Checkpoint.open(model)), "lacks 4 tensors",
                "backbone.layers.0.mixer.conv1d.bias", "use_conv_bias");
    }

    @Test
    void wrongShapeNamesTensorFileAndConfigKeys() {
        Path model = TinyCheckpoints.builder().reshapeTensor("backbone.layers.0.mixer.in_proj.weight", 300, 64)
                .write(dir.resolve("m"));
        assertLoadError(() -> validate(model), "tensor backbone.layers.0.mixer.in_proj.weight in "
                + model.resolve("model.safetensors"), "has shape [300, 64]", "implies [328, 64]",
                "d_in_proj=", "hidden_size=64");
    }

    @Test
    void wrongHiddenSizeReportsTheFirstAndCountsTheRest() {
        Path model = TinyCheckpoints.builder().write(dir.resolve("m"));
        NemotronConfig wider = TinyCheckpoints.builder().hiddenSize(48).config();
        assertLoadError(() -> CheckpointValidator.validate(wider, Checkpoint.open(model)),
                "tensor backbone.embeddings.weight", "has shape [512, 64] but config.json", "implies [512, 48]",
                "hidden_size=48", "more tensors differ");
    }

    @Test
    void modelFolderOpensAndValidatesInOneCall() {
        Path model = TinyCheckpoints.builder().shards(2).write(dir.resolve("m"));
        ModelFolder folder = ModelFolder.open(model);
        assertEquals("M-*-MM*-M-", folder.config().layerPattern());
        assertEquals(2, folder.checkpoint().files().size());
        Path bad = TinyCheckpoints.builder().omitTensor("lm_head.weight").write(dir.resolve("bad"));
        assertLoadError(() -> ModelFolder.open(bad), "lm_head.weight", bad.toString());
    }
}
