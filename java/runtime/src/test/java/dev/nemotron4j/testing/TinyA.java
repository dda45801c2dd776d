package dev.nemotron4j.testing;

/**
 * The {@code tiny-a} reference fixture's config.json, every key and value as shipped (a 10-layer {@code M-*-MM*-M-} NemotronH,
 * hidden 64, q width 96 ≠ hidden), so that config tests read a real file's spelling. The default shape of
 * {@link TinyCheckpoints} is the same model.
 */
public final class TinyA {
    private TinyA() {}

    /** config.json of tiny-a, including its bare {@code Infinity} in {@code time_step_limit}. */
    public static final String CONFIG_JSON = """
            {
              "architectures": ["NemotronHForCausalLM"],
              "model_type": "nemotron_h",
              "vocab_size": 512,
              "hidden_size": 64,
              "hybrid_override_pattern": "M-*-MM*-M-",
              "num_attention_heads": 4,
              "num_key_value_heads": 2,
              "head_dim": 24,
              "intermediate_size": 160,
              "mamba_num_heads": 8,
              "mamba_head_dim": 16,
              "n_groups": 2,
              "ssm_state_size": 16,
              "conv_kernel": 4,
              "chunk_size": 16,
              "layer_norm_epsilon": 1e-05,
              "max_position_embeddings": 4096,
              "bos_token_id": 1,
              "eos_token_id": 2,
              "pad_token_id": 0,
              "tie_word_embeddings": false,
              "num_hidden_layers": 10,
              "expand": 2,
              "mlp_hidden_act": "relu2",
              "mamba_hidden_act": "silu",
              "use_bias": false,
              "use_conv_bias": true,
              "attention_bias": false,
              "mlp_bias": false,
              "mamba_proj_bias": false,
              "residual_in_fp32": false,
              "rescale_prenorm_residual": true,
              "time_step_limit": [0.0, Infinity],
              "time_step_min": 0.001,
              "time_step_max": 0.1,
              "time_step_floor": 0.0001,
              "initializer_range": 0.02,
              "use_cache": true,
              "num_logits_to_keep": 1,
              "sliding_window": null,
              "torch_dtype": "float32"
            }
            """;
}
