package dev.nemotron4j.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the layer list of a config.json in either spelling: NVIDIA's {@code hybrid_override_pattern}
 * string ({@code "M-*-"}) or transformers 5's {@code layers_block_type} list ({@code ["mamba", "mlp",
 * ...]}); when both are present they must agree, and {@code num_hidden_layers}, when present, must
 * match. MoE layers are returned, not refused: the caller decides.
 */
final class LayerPatterns {
    static final String PATTERN_KEY = "hybrid_override_pattern";
    static final String BLOCK_TYPE_KEY = "layers_block_type";

    private LayerPatterns() {}

    static List<LayerKind> read(ConfigJson json) {
        List<LayerKind> fromPattern = json.has(PATTERN_KEY) ? fromPattern(json) : null;
        List<LayerKind> fromBlockTypes = json.has(BLOCK_TYPE_KEY) ? fromBlockTypes(json) : null;
        if (fromPattern == null && fromBlockTypes == null) {
            throw json.error("missing required key \"" + PATTERN_KEY + "\" (or transformers 5's \""
                    + BLOCK_TYPE_KEY + "\"): the layer pattern says which block each layer is");
        }
        if (fromPattern != null && fromBlockTypes != null && !fromPattern.equals(fromBlockTypes)) {
            throw json.error("\"" + PATTERN_KEY + "\" \"" + LayerKind.pattern(fromPattern) + "\" and \""
                    + BLOCK_TYPE_KEY + "\" (\"" + LayerKind.pattern(fromBlockTypes) + "\") disagree"
                    + firstDifference(fromPattern, fromBlockTypes) + ": remove one or make them match");
        }
        List<LayerKind> layers = fromPattern != null ? fromPattern : fromBlockTypes;
        String key = fromPattern != null ? PATTERN_KEY : BLOCK_TYPE_KEY;
        if (layers.isEmpty()) {
            throw json.error("\"" + key + "\" is empty: a model needs at least one layer");
        }
        if (layers.size() > NemotronConfig.MAX_LAYERS) {
            throw json.error("\"" + key + "\" has " + layers.size() + " layers; the native core supports at most "
                    + NemotronConfig.MAX_LAYERS);
        }
        if (json.has("num_hidden_layers")) {
            int declared = json.requiredInt("num_hidden_layers");
            if (declared != layers.size()) {
                throw json.error("\"num_hidden_layers\" is " + declared + " but \"" + key + "\" \""
                        + LayerKind.pattern(layers) + "\" has " + layers.size() + " layers");
            }
        }
        return layers;
    }

    private static List<LayerKind> fromPattern(ConfigJson json) {
        String pattern = json.string(PATTERN_KEY).orElseThrow();
        List<LayerKind> layers = new ArrayList<>(pattern.length());
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            int layer = i;
            layers.add(LayerKind.fromSymbol(c).orElseThrow(() -> json.error("\"" + PATTERN_KEY + "\" \""
                    + pattern + "\" has '" + c + "' at layer " + layer
                    + "; the layer kinds are M (Mamba2), * (attention), - (MLP) and E (MoE)")));
        }
        return layers;
    }

    private static List<LayerKind> fromBlockTypes(ConfigJson json) {
        List<String> names = json.stringList(BLOCK_TYPE_KEY);
        List<LayerKind> layers = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int layer = i;
            layers.add(LayerKind.fromBlockType(name).orElseThrow(() -> json.error("\"" + BLOCK_TYPE_KEY + "\"["
                    + layer + "] is \"" + name + "\"; the layer kinds are mamba (or linear_attention), "
                    + "attention (or full_attention), mlp and moe")));
        }
        return layers;
    }

    private static String firstDifference(List<LayerKind> a, List<LayerKind> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (a.get(i) != b.get(i)) {
                return " at layer " + i;
            }
        }
        return " in length (" + a.size() + " vs " + b.size() + " layers)";
    }
}
