package dev.nemotron4j.config;

import dev.nemotron4j.ModelLoadException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The hyper-parameters of a Nemotron-H model, read from a Hugging Face {@code config.json}. Each
 * component names its config key; {@link #read} and {@link #parse} check every value the runtime relies
 * on and throw {@link ModelLoadException} naming the file and key. Components of a block kind the
 * pattern does not use are 0 when their keys are absent (e.g. {@code numAttentionHeads} of a pure
 * Mamba model), and are not checked.
 *
 * <p>Dimension names follow the project's glossary: {@code d_inner = mamba_num_heads × mamba_head_dim}
 * (not {@code expand × hidden_size}; the {@code expand} key is ignored).
 *
 * @param modelType            {@code model_type}; always {@code "nemotron_h"}
 * @param vocabSize            {@code vocab_size}
 * @param hiddenSize           {@code hidden_size}
 * @param layers               {@code hybrid_override_pattern} or {@code layers_block_type}, one entry per block
 * @param numAttentionHeads    {@code num_attention_heads}
 * @param numKeyValueHeads     {@code num_key_value_heads}; defaults to {@code num_attention_heads}
 * @param headDim              {@code head_dim} of attention; defaults to {@code hidden_size / num_attention_heads}
 * @param intermediateSize     {@code intermediate_size} of the MLP blocks
 * @param mambaNumHeads        {@code mamba_num_heads} ({@code n_heads})
 * @param mambaHeadDim         {@code mamba_head_dim} ({@code head_dim} of the SSM)
 * @param nGroups              {@code n_groups} (legacy {@code mamba_n_groups}) of B/C and of the gated norm
 * @param ssmStateSize         {@code ssm_state_size} ({@code d_state})
 * @param convKernel           {@code conv_kernel} (legacy {@code mamba_d_conv})
 * @param chunkSize            {@code chunk_size} (legacy {@code mamba_chunk_size}) of the chunked SSD prefill;
 *                             defaults to 128 as in transformers
 * @param useConvBias          {@code use_conv_bias} (legacy {@code mamba_conv_bias}); default true
 * @param mambaProjBias        {@code use_bias} (what the reference mixers read for in_proj/out_proj), else
 *                             {@code mamba_proj_bias}; default false
 * @param attentionBias        {@code attention_bias}; default false
 * @param mlpBias              {@code mlp_bias}; default false
 * @param layerNormEpsilon     {@code layer_norm_epsilon}, or {@code rms_norm_eps}; default 1e-5
 * @param timeStepLimitMin     {@code time_step_limit[0]} (legacy {@code mamba_dt_limit}); default 0 (dt is
 *                             clamped to [min, max])
 * @param timeStepLimitMax     {@code time_step_limit[1]}; default +∞ (no upper clamp)
 * @param maxPositionEmbeddings {@code max_position_embeddings}; default 131072 when absent (Nemotron-H has
 *                             no positional encoding, so this is only a context-length policy hint)
 * @param bosTokenId           {@code bos_token_id}, if any
 * @param eosTokenIds          {@code eos_token_id}, an int or a list of ints; empty if absent
 * @param padTokenId           {@code pad_token_id}, if any
 * @param tieWordEmbeddings    {@code tie_word_embeddings}; default false (no {@code lm_head.weight} when true)
 * @param torchDtype           {@code torch_dtype}, or transformers 5's {@code dtype}, if any
 * @param mlpHiddenAct         {@code mlp_hidden_act}; only {@code "relu2"} is supported
 * @param mambaHiddenAct       {@code mamba_hidden_act}; only {@code "silu"} is supported
 */
public record NemotronConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        List<LayerKind> layers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        int intermediateSize,
        int mambaNumHeads,
        int mambaHeadDim,
        int nGroups,
        int ssmStateSize,
        int convKernel,
        int chunkSize,
        boolean useConvBias,
        boolean mambaProjBias,
        boolean attentionBias,
        boolean mlpBias,
        double layerNormEpsilon,
        double timeStepLimitMin,
        double timeStepLimitMax,
        int maxPositionEmbeddings,
        OptionalInt bosTokenId,
        List<Integer> eosTokenIds,
        OptionalInt padTokenId,
        boolean tieWordEmbeddings,
        Optional<String> torchDtype,
        String mlpHiddenAct,
        String mambaHiddenAct) {

    /** The file {@link #read} looks for in a model folder. */
    public static final String CONFIG_FILE = "config.json";

    /** The only {@code model_type} this runtime runs. */
    public static final String MODEL_TYPE = "nemotron_h";

    /** The {@code architectures} entry this runtime runs. */
    public static final String ARCHITECTURE = "NemotronHForCausalLM";

    /** The most layers the native core accepts (its per-layer tables are fixed-size). */
    public static final int MAX_LAYERS = 512;

    /** The {@code max_position_embeddings} assumed when config.json has none. */
    public static final int DEFAULT_MAX_POSITION_EMBEDDINGS = 131072;

    /** The {@code chunk_size} assumed when config.json has none (transformers' NemotronHConfig default). */
    public static final int DEFAULT_CHUNK_SIZE = 128;

    /** Copies the lists so that the record stays immutable; checks nothing else (see {@link #parse}). */
    public NemotronConfig {
        Objects.requireNonNull(modelType, "modelType");
        layers = List.copyOf(layers);
        eosTokenIds = List.copyOf(eosTokenIds);
        Objects.requireNonNull(bosTokenId, "bosTokenId");
        Objects.requireNonNull(padTokenId, "padTokenId");
        Objects.requireNonNull(torchDtype, "torchDtype");
        Objects.requireNonNull(mlpHiddenAct, "mlpHiddenAct");
        Objects.requireNonNull(mambaHiddenAct, "mambaHiddenAct");
    }

    /**
     * Reads and checks {@code modelDir/config.json}.
     *
     * @throws ModelLoadException if the folder or file is missing, is not JSON, or describes a model
     *     this runtime cannot run; the message names the file and the key
     */
    public static NemotronConfig read(Path modelDir) {
        return ConfigReader.read(modelDir);
    }

    /**
     * Parses and checks the text of a config.json.
     *
     * @param sourceName how error messages name the text, e.g. its path
     * @throws ModelLoadException as {@link #read} does
     */
    public static NemotronConfig parse(String json, String sourceName) {
        return ConfigReader.parse(json, sourceName);
    }

    /** {@code num_hidden_layers}: the number of blocks. */
    public int numHiddenLayers() {
        return layers.size();
    }

    /** {@code d_inner = mamba_num_heads × mamba_head_dim}: the width of x, z and the SSM output. */
    public int dInner() {
        return mambaNumHeads * mambaHeadDim;
    }

    /** {@code conv_dim = d_inner + 2 × n_groups × ssm_state_size}: the channels of xBC (x | B | C). */
    public int convDim() {
        return dInner() + 2 * nGroups * ssmStateSize;
    }

    /** {@code d_in_proj = 2 × d_inner + 2 × n_groups × ssm_state_size + mamba_num_heads}: z | xBC | dt. */
    public int dInProj() {
        return dInner() + convDim() + mambaNumHeads;
    }

    /** The {@code hybrid_override_pattern} spelling of {@link #layers}, e.g. {@code "M-*-MM*-M-"}. */
    public String layerPattern() {
        return LayerKind.pattern(layers);
    }

    /** How many layers are of the given kind. */
    public int count(LayerKind kind) {
        int n = 0;
        for (LayerKind layer : layers) {
            if (layer == kind) {
                n++;
            }
        }
        return n;
    }

    /** Whether at least one layer is of the given kind. */
    public boolean has(LayerKind kind) {
        return layers.contains(kind);
    }
}
