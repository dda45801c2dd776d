package dev.nemotron4j.config;

/**
 * The checks of a read {@link NemotronConfig} that span keys or values: sizes positive, heads
 * divisible into groups, supported activations, derived widths within int range. A block kind's keys
 * are checked only when the pattern uses that kind, as its absent keys read as 0.
 */
final class ConfigValidator {
    private ConfigValidator() {}

    static void validate(NemotronConfig c, ConfigJson json) {
        positive(json, "vocab_size", c.vocabSize());
        positive(json, "hidden_size", c.hiddenSize());
        positive(json, "max_position_embeddings", c.maxPositionEmbeddings());
        String epsKey = json.has("layer_norm_epsilon") || !json.has("rms_norm_eps") ? "layer_norm_epsilon" : "rms_norm_eps";
        if (!(c.layerNormEpsilon() > 0) || Double.isInfinite(c.layerNormEpsilon())) {
            throw json.error("\"" + epsKey + "\" must be a positive finite number, got " + c.layerNormEpsilon());
        }
        if (c.timeStepLimitMin() > c.timeStepLimitMax()) {
            throw json.error("\"time_step_limit\" [" + c.timeStepLimitMin() + ", " + c.timeStepLimitMax()
                    + "] has min > max");
        }
        if (c.has(LayerKind.MAMBA)) {
            validateMamba(c, json);
        }
        if (c.has(LayerKind.ATTENTION)) {
            validateAttention(c, json);
        }
        if (c.has(LayerKind.MLP)) {
            positive(json, "intermediate_size", c.intermediateSize());
            if (!c.mlpHiddenAct().equals("relu2")) {
                throw json.error("\"mlp_hidden_act\" is \"" + c.mlpHiddenAct()
                        + "\"; Nemotron-H MLP blocks use relu2, the only activation nemotron4j supports");
            }
        }
    }

    private static void validateMamba(NemotronConfig c, ConfigJson json) {
        positive(json, "mamba_num_heads", c.mambaNumHeads());
        positive(json, "mamba_head_dim", c.mambaHeadDim());
        positive(json, "n_groups", c.nGroups());
        positive(json, "ssm_state_size", c.ssmStateSize());
        positive(json, "conv_kernel", c.convKernel());
        positive(json, "chunk_size", c.chunkSize());
        if (c.mambaNumHeads() % c.nGroups() != 0) {
            throw json.error("\"mamba_num_heads\" " + c.mambaNumHeads() + " is not a multiple of \"n_groups\" "
                    + c.nGroups() + ": each group of B/C must serve a whole number of heads");
        }
        if (!c.mambaHiddenAct().equals("silu")) {
            throw json.error("\"mamba_hidden_act\" is \"" + c.mambaHiddenAct()
                    + "\"; Nemotron-H Mamba blocks use silu, the only activation nemotron4j supports");
        }
        // d_in_proj is the widest derived width; if it fits an int, d_inner and conv_dim do too.
        long dInner = (long) c.mambaNumHeads() * c.mambaHeadDim();
        long dInProj = 2 * dInner + 2L * c.nGroups() * c.ssmStateSize() + c.mambaNumHeads();
        if (dInProj > Integer.MAX_VALUE) {
            throw json.error("d_in_proj = 2*mamba_num_heads*mamba_head_dim + 2*n_groups*ssm_state_size"
                    + " + mamba_num_heads = " + dInProj + " is beyond the range of a 32-bit integer");
        }
    }

    private static void validateAttention(NemotronConfig c, ConfigJson json) {
        positive(json, "num_attention_heads", c.numAttentionHeads());
        positive(json, "num_key_value_heads", c.numKeyValueHeads());
        positive(json, "head_dim", c.headDim());
        if (c.numAttentionHeads() % c.numKeyValueHeads() != 0) {
            throw json.error("\"num_attention_heads\" " + c.numAttentionHeads()
                    + " is not a multiple of \"num_key_value_heads\" " + c.numKeyValueHeads()
                    + ": each KV head must serve a whole number of query heads");
        }
        long qWidth = (long) c.numAttentionHeads() * c.headDim();
        if (qWidth > Integer.MAX_VALUE) {
            throw json.error("num_attention_heads*head_dim = " + qWidth + " is beyond the range of a 32-bit integer");
        }
    }

    private static void positive(ConfigJson json, String key, int value) {
        if (value <= 0) {
            throw json.error("\"" + key + "\" must be positive, got " + value);
        }
    }
}
