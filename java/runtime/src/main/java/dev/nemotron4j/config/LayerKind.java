package dev.nemotron4j.config;

import java.util.List;
import java.util.Optional;

/**
 * The kind of one Nemotron-H block, as spelled by {@code hybrid_override_pattern} (one character per
 * layer: {@code M * - E}) or by transformers 5's {@code layers_block_type} list ({@code "mamba"},
 * {@code "attention"}, {@code "mlp"}, {@code "moe"}).
 *
 * <p>This enum and the native table that maps the same characters to blocks are the only places a new
 * kind must be added. {@link #MOE} parses so that the error can name it, but is not supported yet.
 */
public enum LayerKind {
    /** Mamba2 mixer: in_proj → causal conv1d → SSD scan → gated RMSNorm → out_proj. */
    MAMBA('M', "mamba"),
    /** Causal self-attention with grouped KV heads and no positional encoding. */
    ATTENTION('*', "attention"),
    /** Two-matrix MLP, {@code down(relu(up(x))²)}, no gate. */
    MLP('-', "mlp"),
    /** Mixture-of-experts block of Nemotron 3; refused by {@link NemotronConfig} for now. */
    MOE('E', "moe");

    private final char symbol;
    private final String blockType;

    LayerKind(char symbol, String blockType) {
        this.symbol = symbol;
        this.blockType = blockType;
    }

    /** The character of this kind in {@code hybrid_override_pattern}. */
    public char symbol() {
        return symbol;
    }

    /** The canonical transformers 5 spelling of this kind in {@code layers_block_type}. */
    public String blockType() {
        return blockType;
    }

    /** The kind a {@code hybrid_override_pattern} character stands for, or empty if none does. */
    public static Optional<LayerKind> fromSymbol(char symbol) {
        for (LayerKind kind : values()) {
            if (kind.symbol == symbol) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /**
     * The kind a {@code layers_block_type} entry stands for, or empty if none does. Accepts the same
     * names as the float64 reference: the short ones above, and the ones recent transformers versions
     * write ({@code linear_attention} for a Mamba layer, {@code full_attention} for attention).
     */
    public static Optional<LayerKind> fromBlockType(String blockType) {
        switch (blockType) {
            case "mamba":
            case "linear_attention":
                return Optional.of(MAMBA);
            case "attention":
            case "full_attention":
                return Optional.of(ATTENTION);
            case "mlp":
                return Optional.of(MLP);
            case "moe":
                return Optional.of(MOE);
            default:
                return Optional.empty();
        }
    }

    /** The {@code hybrid_override_pattern} string of a layer list, e.g. {@code "M-*-"}. */
    public static String pattern(List<LayerKind> layers) {
        StringBuilder sb = new StringBuilder(layers.size());
        for (LayerKind kind : layers) {
            sb.append(kind.symbol);
        }
        return sb.toString();
    }
}
