package dev.nemotron4j;

import static dev.nemotron4j.testing.LoadErrors.assertLoadError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.testing.TinyCheckpoints;
import dev.nemotron4j.weights.TensorDType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading through the whole path (Java validation, then the native core) from folders that are broken
 * in every way the foundation issue lists. Each must fail with a ModelLoadException naming the problem,
 * and the JVM must survive to run the next test; valid variants (biases, tied embeddings, shards,
 * F16 / BF16) must load and compute.
 */
class NemotronModelLoadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEIGHTS = "model.safetensors";

    @TempDir
    Path tmp;

    private Path valid() {
        return TinyCheckpoints.builder().write(tmp.resolve("model"));
    }

    @Test
    void missingFolderAndFiles() throws IOException {
        assertLoadError(() -> NemotronModel.load(tmp.resolve("nowhere")), "nowhere", "does not exist");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertLoadError(() -> NemotronModel.load(empty), "config.json");
        Path noWeights = valid();
        Files.delete(noWeights.resolve(WEIGHTS));
        assertLoadError(() -> NemotronModel.load(noWeights), "model.safetensors");
    }

    @Test
    void unsupportedArchitectures() {
        Path wrongType = TinyCheckpoints.builder().config("model_type", "llama").write(tmp.resolve("llama"));
        assertLoadError(() -> NemotronModel.load(wrongType), "model_type", "llama");
        Path moe = TinyCheckpoints.builder().config("hybrid_override_pattern", "M-*-MM*-E-").write(tmp.resolve("moe"));
        assertLoadError(() -> NemotronModel.load(moe), "MoE");
    }

    @Test
    void missingUnexpectedAndMisshapedTensors() {
        Path missing = TinyCheckpoints.builder().omitTensor("backbone.layers.2.mixer.q_proj.weight").write(tmp.resolve("a"));
        assertLoadError(() -> NemotronModel.load(missing), "backbone.layers.2.mixer.q_proj.weight");
        Path extra = TinyCheckpoints.builder().extraTensor("backbone.layers.0.mixer.surprise", 4).write(tmp.resolve("b"));
        assertLoadError(() -> NemotronModel.load(extra), "backbone.layers.0.mixer.surprise");
        Path shape = TinyCheckpoints.builder().reshapeTensor("backbone.layers.0.mixer.out_proj.weight", 64, 127)
                .write(tmp.resolve("c"));
        assertLoadError(() -> NemotronModel.load(shape), "backbone.layers.0.mixer.out_proj.weight", "[64, 127]");
    }

    @Test
    void truncatedFile() throws IOException {
        Path dir = valid();
        Path file = dir.resolve(WEIGHTS);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 1000);
        }
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS, "truncated");
    }

    @Test
    void garbageAndHostileHeaders() throws IOException {
        Path dir = valid();
        Path file = dir.resolve(WEIGHTS);
        byte[] original = Files.readAllBytes(file);

        Files.write(file, "this is not a checkpoint at all".getBytes(StandardCharsets.UTF_8));
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS);

        ByteBuffer huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
        Files.write(file, huge.array());
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS, "header length");

        Files.write(file, original);
        rewriteHeader(file, h -> ((ObjectNode) h.get("backbone.norm_f.weight")).putArray("data_offsets")
                .add(0).add(original.length * 4L));
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS, "backbone.norm_f.weight");

        Files.write(file, original);
        rewriteHeader(file, h -> {
            var first = h.get("backbone.embeddings.weight").get("data_offsets");
            ((ObjectNode) h.get("backbone.norm_f.weight")).set("data_offsets",
                    JSON.createArrayNode().add(first.get(0).asLong()).add(first.get(0).asLong() + 64 * 4));
        });
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS, "overlap");

        Files.write(file, original);
        rewriteHeader(file, h -> ((ObjectNode) h.get("backbone.norm_f.weight")).put("dtype", "F64"));
        assertLoadError(() -> NemotronModel.load(dir), WEIGHTS, "backbone.norm_f.weight", "F64");

        Files.write(file, original);
        try (NemotronModel model = NemotronModel.load(dir); Sequence s = model.newSequence()) {
            assertEquals(model.config().vocabSize(), s.feed(1, 2, 3).length, "the restored file loads again");
        }
    }

    @Test
    void missingShard() throws IOException {
        Path dir = TinyCheckpoints.builder().shards(3).write(tmp.resolve("sharded"));
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        assertLoadError(() -> NemotronModel.load(dir), "model-00002-of-00003.safetensors");
    }

    @Test
    void validVariantsLoadAndComputeConsistently() {
        var variants = new TinyCheckpoints.Builder[] {
            TinyCheckpoints.builder().dtype(TensorDType.BF16).shards(2),
            TinyCheckpoints.builder().dtype(TensorDType.F16),
            TinyCheckpoints.builder().mambaProjBias(true).attentionBias(true).mlpBias(true),
            TinyCheckpoints.builder().tieWordEmbeddings(true).useConvBias(false),
            TinyCheckpoints.builder().layersBlockType(true).pattern("MM*-M"),
        };
        int i = 0;
        for (var variant : variants) {
            Path dir = variant.write(tmp.resolve("variant" + i++));
            try (NemotronModel model = NemotronModel.load(dir); Sequence whole = model.newSequence();
                    Sequence pieces = model.newSequence()) {
                int[] tokens = java.util.stream.IntStream.range(0, 23).map(t -> 3 + t * 7 % 200).toArray();
                float[] a = whole.feed(tokens);
                pieces.feed(Arrays.copyOfRange(tokens, 0, 9));
                float[] b = pieces.feed(Arrays.copyOfRange(tokens, 9, 23));
                for (int v = 0; v < a.length; v++) {
                    assertTrue(Float.isFinite(a[v]), dir + " logit " + v);
                    assertEquals(a[v], b[v], 1e-4 * (1 + Math.abs(a[v])), dir + " logit " + v);
                }
            }
        }
    }

    /** Rewrites a safetensors header (keeping the data bytes) after editing it. */
    private static void rewriteHeader(Path file, Consumer<ObjectNode> edit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        edit.accept(header);
        byte[] json = JSON.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(8 + json.length + bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
        Files.write(file, out.array());
    }
}
