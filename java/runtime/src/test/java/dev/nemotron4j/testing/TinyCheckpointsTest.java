package dev.nemotron4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.weights.Checkpoint;
import dev.nemotron4j.weights.ExpectedTensors;
import dev.nemotron4j.weights.TensorDType;
import dev.nemotron4j.weights.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test checkpoints others build on: exact layout, sensible values, determinism. */
class TinyCheckpointsTest {
    @TempDir
    Path dir;

    /** The values of one tensor, decoded from the file at the offset its header gives. */
    private static float[] read(TensorInfo t) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(t.file())).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[Math.toIntExact(t.numel())];
        for (int i = 0; i < v.length; i++) {
            int at = Math.toIntExact(t.offset()) + i * t.dtype().bytesPerElement();
            v[i] = switch (t.dtype()) {
                case F32 -> bytes.getFloat(at);
                case BF16 -> FloatBits.fromBf16(bytes.getShort(at));
                case F16 -> FloatBits.fromF16(bytes.getShort(at));
            };
        }
        return v;
    }

    @Test
    void writesExactlyTheExpectedTensors() {
        TinyCheckpoints.Builder b = TinyCheckpoints.builder().pattern("M-*").dtype(TensorDType.BF16);
        Path model = b.write(dir.resolve("m"));
        Checkpoint c = Checkpoint.open(model);
        NemotronConfig config = NemotronConfig.read(model);
        assertEquals(ExpectedTensors.of(config).keySet(), c.tensors().keySet());
        for (ExpectedTensors.Tensor want : ExpectedTensors.of(config).values()) {
            TensorInfo have = c.tensors().get(want.name());
            assertArrayEquals(want.shape(), have.shape(), want.name());
            assertEquals(TensorDType.BF16, have.dtype());
        }
    }

    @Test
    void valuesHaveSensibleScales() throws IOException {
        Checkpoint c = Checkpoint.open(TinyCheckpoints.builder().seed(5).write(dir.resolve("m")));
        for (float aLog : read(c.tensors().get("backbone.layers.0.mixer.A_log"))) {
            double a = Math.exp(aLog);
            assertTrue(a >= 1 && a <= 8, "A = -exp(A_log) in [-8, -1], got " + a);
        }
        for (float w : read(c.tensors().get("backbone.norm_f.weight"))) {
            assertTrue(w >= 0.6f && w <= 1.4f, "norm weight " + w);
        }
        float[] inProj = read(c.tensors().get("backbone.layers.0.mixer.in_proj.weight")); // [328, 64]
        double sumSq = 0;
        for (float w : inProj) {
            sumSq += w * w;
        }
        double rms = Math.sqrt(sumSq / inProj.length);
        assertEquals(1 / Math.sqrt(64), rms, 0.01, "linear weights ~ N(0, 1)/sqrt(in)");
    }

    @Test
    void bf16HoldsTheRoundedF32Values() throws IOException {
        Checkpoint f32 = Checkpoint.open(TinyCheckpoints.builder().seed(9).write(dir.resolve("f32")));
        Checkpoint bf16 = Checkpoint.open(TinyCheckpoints.builder().seed(9).dtype(TensorDType.BF16).write(dir.resolve("bf16")));
        float[] a = read(f32.tensors().get("backbone.layers.2.mixer.q_proj.weight"));
        float[] b = read(bf16.tensors().get("backbone.layers.2.mixer.q_proj.weight"));
        for (int i = 0; i < a.length; i++) {
            assertEquals(FloatBits.fromBf16(FloatBits.toBf16(a[i])), b[i]);
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        Path a = TinyCheckpoints.builder().seed(1).write(dir.resolve("a"));
        Path b = TinyCheckpoints.builder().seed(1).write(dir.resolve("b"));
        Path c = TinyCheckpoints.builder().seed(2).write(dir.resolve("c"));
        byte[] bytesA = Files.readAllBytes(a.resolve("model.safetensors"));
        assertArrayEquals(bytesA, Files.readAllBytes(b.resolve("model.safetensors")));
        assertFalse(java.util.Arrays.equals(bytesA, Files.readAllBytes(c.resolve("model.safetensors"))));
        assertEquals(Files.readString(a.resolve("config.json")), Files.readString(c.resolve("config.json")));
    }

    @Test
    void configJsonLooksLikePythons() {
        String json = TinyCheckpoints.builder().configJson();
        assertTrue(json.contains("Infinity") && !json.contains("\"Infinity\""), json);
        assertTrue(json.contains("\"hybrid_override_pattern\" : \"M-*-MM*-M-\""), json);
        String list = TinyCheckpoints.builder().pattern("M*-").layersBlockType(true).configJson();
        assertFalse(list.contains("hybrid_override_pattern"));
        assertEquals("M*-", NemotronConfig.parse(list, "list").layerPattern());
    }

    @Test
    void hostileConfigKeepsAValidCheckpoint() {
        TinyCheckpoints.Builder b = TinyCheckpoints.builder().config("model_type", "llama");
        assertEquals("nemotron_h", b.config().modelType()); // the tensors follow the un-overridden config
        Path model = b.write(dir.resolve("m"));
        assertEquals(ExpectedTensors.of(TinyCheckpoints.builder().config()).keySet(),
                Checkpoint.open(model).tensors().keySet());
        LoadErrors.assertLoadError(() -> NemotronConfig.read(model), "llama");
        // a valid override does change the tensors
        assertNotEquals(ExpectedTensors.of(TinyCheckpoints.builder().config()).keySet(),
                ExpectedTensors.of(TinyCheckpoints.builder().config("use_conv_bias", false).config()).keySet());
    }

    @Test
    void shardsHaveAnIndexAndStandardNames() throws IOException {
        Path model = TinyCheckpoints.builder().shards(3).write(dir.resolve("m"));
        assertTrue(Files.exists(model.resolve("model-00001-of-00003.safetensors")));
        assertTrue(Files.exists(model.resolve("model-00003-of-00003.safetensors")));
        assertFalse(Files.exists(model.resolve("model.safetensors")));
        String index = Files.readString(model.resolve("model.safetensors.index.json"));
        assertTrue(index.contains("\"total_size\""), index);
        assertEquals(Checkpoint.open(model).totalBytes(),
                Checkpoint.open(TinyCheckpoints.builder().write(dir.resolve("s"))).totalBytes());
    }
}
