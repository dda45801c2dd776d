package dev.nemotron4j.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.config.NemotronConfig;
import dev.nemotron4j.testing.TinyA;
import dev.nemotron4j.testing.TinyCheckpoints;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The Hugging Face tensor layout implied by a config, checked against a real checkpoint's header. */
class ExpectedTensorsTest {
    /** Every tensor of the tiny-a fixture's model.safetensors (name, shape), copied from its header. */
    private static final String TINY_A_TENSORS = """
            backbone.embeddings.weight 512x64
            backbone.layers.0.mixer.A_log 8
            backbone.layers.0.mixer.D 8
            backbone.layers.0.mixer.conv1d.bias 192
            backbone.layers.0.mixer.conv1d.weight 192x1x4
            backbone.layers.0.mixer.dt_bias 8
            backbone.layers.0.mixer.in_proj.weight 328x64
            backbone.layers.0.mixer.norm.weight 128
            backbone.layers.0.mixer.out_proj.weight 64x128
            backbone.layers.0.norm.weight 64
            backbone.layers.1.mixer.down_proj.weight 64x160
            backbone.layers.1.mixer.up_proj.weight 160x64
            backbone.layers.1.norm.weight 64
            backbone.layers.2.mixer.k_proj.weight 48x64
            backbone.layers.2.mixer.o_proj.weight 64x96
            backbone.layers.2.mixer.q_proj.weight 96x64
            backbone.layers.2.mixer.v_proj.weight 48x64
            backbone.layers.2.norm.weight 64
            backbone.layers.3.mixer.down_proj.weight 64x160
            backbone.layers.3.mixer.up_proj.weight 160x64
            backbone.layers.3.norm.weight 64
            backbone.layers.4.mixer.A_log 8
            backbone.layers.4.mixer.D 8
            backbone.layers.4.mixer.conv1d.bias 192
            backbone.layers.4.mixer.conv1d.weight 192x1x4
            backbone.layers.4.mixer.dt_bias 8
            backbone.layers.4.mixer.in_proj.weight 328x64
            backbone.layers.4.mixer.norm.weight 128
            backbone.layers.4.mixer.out_proj.weight 64x128
            backbone.layers.4.norm.weight 64
            backbone.layers.5.mixer.A_log 8
            backbone.layers.5.mixer.D 8
            backbone.layers.5.mixer.conv1d.bias 192
            backbone.layers.5.mixer.conv1d.weight 192x1x4
            backbone.layers.5.mixer.dt_bias 8
            backbone.layers.5.mixer.in_proj.weight 328x64
            backbone.layers.5.mixer.norm.weight 128
            backbone.layers.5.mixer.out_proj.weight 64x128
            backbone.layers.5.norm.weight 64
            backbone.layers.6.mixer.k_proj.weight 48x64
            backbone.layers.6.mixer.o_proj.weight 64x96
            backbone.layers.6.mixer.q_proj.weight 96x64
            backbone.layers.6.mixer.v_proj.weight 48x64
            backbone.layers.6.norm.weight 64
            backbone.layers.7.mixer.down_proj.weight 64x160
            backbone.layers.7.mixer.up_proj.weight 160x64
            backbone.layers.7.norm.weight 64
            backbone.layers.8.mixer.A_log 8
            backbone.layers.8.mixer.D 8
            backbone.layers.8.mixer.conv1d.bias 192
            backbone.layers.8.mixer.conv1d.weight 192x1x4
            backbone.layers.8.mixer.dt_bias 8
            backbone.layers.8.mixer.in_proj.weight 328x64
            backbone.layers.8.mixer.norm.weight 128
            backbone.layers.8.mixer.out_proj.weight 64x128
            backbone.layers.8.norm.weight 64
            backbone.layers.9.mixer.down_proj.weight 64x160
            backbone.layers.9.mixer.up_proj.weight 160x64
            backbone.layers.9.norm.weight 64
            backbone.norm_f.weight 64
            lm_head.weight 512x64
            """;

    private static NemotronConfig tinyA() {
        return NemotronConfig.parse(TinyA.CONFIG_JSON, "tiny-a/config.json");
    }

    private static String describe(Map<String, ExpectedTensors.Tensor> tensors) {
        Map<String, String> sorted = new TreeMap<>();
        tensors.forEach((name, t) -> sorted.put(name,
                String.join("x", Arrays.stream(t.shape()).mapToObj(Long::toString).toList())));
        StringBuilder sb = new StringBuilder();
        sorted.forEach((name, shape) -> sb.append(name).append(' ').append(shape).append('\n'));
        return sb.toString();
    }

    @Test
    void matchesTheTinyAFixtureExactly() {
        assertEquals(TINY_A_TENSORS, describe(ExpectedTensors.of(tinyA())));
    }

    @Test
    void modelOrder() {
        List<String> names = new ArrayList<>(ExpectedTensors.of(tinyA()).keySet());
        assertEquals("backbone.embeddings.weight", names.get(0));
        assertEquals("backbone.layers.0.norm.weight", names.get(1));
        assertEquals("backbone.layers.0.mixer.in_proj.weight", names.get(2));
        assertEquals("backbone.norm_f.weight", names.get(names.size() - 2));
        assertEquals("lm_head.weight", names.get(names.size() - 1));
    }

    @Test
    void biasesFollowTheirFlags() {
        NemotronConfig c = TinyCheckpoints.builder().useConvBias(false).mambaProjBias(true).attentionBias(true)
                .mlpBias(true).config();
        Map<String, ExpectedTensors.Tensor> t = ExpectedTensors.of(c);
        assertFalse(t.containsKey("backbone.layers.0.mixer.conv1d.bias"));
        assertArrayEquals(new long[] {328}, t.get("backbone.layers.0.mixer.in_proj.bias").shape());
        assertArrayEquals(new long[] {64}, t.get("backbone.layers.0.mixer.out_proj.bias").shape());
        assertArrayEquals(new long[] {96}, t.get("backbone.layers.2.mixer.q_proj.bias").shape());
        assertArrayEquals(new long[] {48}, t.get("backbone.layers.2.mixer.k_proj.bias").shape());
        assertArrayEquals(new long[] {48}, t.get("backbone.layers.2.mixer.v_proj.bias").shape());
        assertArrayEquals(new long[] {64}, t.get("backbone.layers.2.mixer.o_proj.bias").shape());
        assertArrayEquals(new long[] {160}, t.get("backbone.layers.1.mixer.up_proj.bias").shape());
        assertArrayEquals(new long[] {64}, t.get("backbone.layers.1.mixer.down_proj.bias").shape());
    }

    @Test
    void tiedEmbeddingsHaveNoLmHead() {
        Map<String, ExpectedTensors.Tensor> t = ExpectedTensors.of(TinyCheckpoints.builder().tieWordEmbeddings(true).config());
        assertFalse(t.containsKey("lm_head.weight"));
        assertTrue(t.containsKey("backbone.embeddings.weight"));
    }

    @Test
    void dimsNameTheConfigKeys() {
        Map<String, ExpectedTensors.Tensor> t = ExpectedTensors.of(tinyA());
        String inProj = t.get("backbone.layers.0.mixer.in_proj.weight").dims();
        assertTrue(inProj.contains("d_in_proj=") && inProj.contains("=328") && inProj.contains("hidden_size=64"), inProj);
        String q = t.get("backbone.layers.2.mixer.q_proj.weight").dims();
        assertTrue(q.contains("num_attention_heads*head_dim=4*24=96"), q);
        assertEquals("hidden_size=64", t.get("backbone.norm_f.weight").dims());
    }

    @Test
    void shapesAreCopies() {
        ExpectedTensors.Tensor t = ExpectedTensors.of(tinyA()).get("lm_head.weight");
        t.shape()[0] = 1;
        assertTrue(t.matches(new long[] {512, 64}));
    }
}
