package dev.nemotron4j.cli;

import dev.nemotron4j.config.NemotronConfig;
import java.util.Map;

/**
 * The named shapes {@code bench --shape} builds random models of: {@code tiny} (the tiny-a fixture's
 * shape), {@code 0.5b} (the project's working shape, as {@code shared/tools/make_shape.py} makes it:
 * ~0.26 B parameters) and {@code 9b} (NVIDIA-Nemotron-Nano-9B-v2). The context is raised where needed
 * so that the 4096-token prefill fits.
 */
final class BenchShapes {
    private BenchShapes() {}

    private static final String COMMON = """
            "architectures": ["NemotronHForCausalLM"], "model_type": "nemotron_h", "conv_kernel": 4,
            "layer_norm_epsilon": 1e-5, "use_bias": false, "use_conv_bias": true, "attention_bias": false,
            "mlp_bias": false, "tie_word_embeddings": false, "time_step_limit": [0.0, 1e30]""";

    static final Map<String, String> SHAPES = Map.of(
            "tiny", """
                    {%s, "vocab_size": 512, "hidden_size": 64, "hybrid_override_pattern": "M-*-MM*-M-",
                     "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 24, "intermediate_size": 160,
                     "mamba_num_heads": 8, "mamba_head_dim": 16, "n_groups": 2, "ssm_state_size": 16,
                     "chunk_size": 16, "max_position_embeddings": 8192}""".formatted(COMMON),
            "0.5b", """
                    {%s, "vocab_size": 32768, "hidden_size": 1024,
                     "hybrid_override_pattern": "M-M-M*-M-M-M-M*-M-M-M-M-",
                     "num_attention_heads": 16, "num_key_value_heads": 4, "head_dim": 64, "intermediate_size": 4096,
                     "mamba_num_heads": 32, "mamba_head_dim": 64, "n_groups": 8, "ssm_state_size": 128,
                     "chunk_size": 128, "max_position_embeddings": 8192}""".formatted(COMMON),
            "9b", """
                    {%s, "vocab_size": 131072, "hidden_size": 4480,
                     "hybrid_override_pattern": "M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-",
                     "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128,
                     "intermediate_size": 15680, "mamba_num_heads": 128, "mamba_head_dim": 80, "n_groups": 8,
                     "ssm_state_size": 128, "chunk_size": 128, "max_position_embeddings": 131072}""".formatted(COMMON));

    static NemotronConfig config(String name) {
        String json = SHAPES.get(name);
        if (json == null) {
            throw new dev.nemotron4j.InvalidRequestException("unknown shape '" + name + "'; known: tiny, 0.5b, 9b");
        }
        return NemotronConfig.parse(json, "shape " + name);
    }
}
