package dev.nemotron4j;

import java.nio.file.Path;
import java.util.Map;

/**
 * What a loaded model is and what it costs.
 *
 * @param directory             the model folder
 * @param architecture          e.g. {@code NemotronHForCausalLM}
 * @param layerPattern          one character per layer: {@code M} Mamba2, {@code *} attention, {@code -} MLP
 * @param layerCounts           layers per kind name ("mamba", "attention", "mlp")
 * @param parameters            parameter count (every tensor of the checkpoint)
 * @param weightBytes           bytes of the tensors as stored
 * @param bytesByDtype          weight bytes per stored dtype ("BF16", "F32", …)
 * @param stateBytesPerSequence Mamba conv + SSM state of one sequence
 * @param kvBytesPerToken       attention K/V per token of context (float32)
 * @param contextLength         the longest sequence accepted ({@code max_position_embeddings})
 * @param threads               CPU threads the native kernels use
 * @param device                where the model runs: {@code cpu} or {@code cuda:N}
 * @param deviceName            {@code cpu}, or the GPU's name and index
 * @param deviceWeightBytes     weights held in device memory (0 on the CPU)
 * @param nativeVersion         the native core's version string
 */
public record ModelInfo(Path directory, String architecture, String layerPattern, Map<String, Integer> layerCounts,
        long parameters, long weightBytes, Map<String, Long> bytesByDtype, long stateBytesPerSequence,
        long kvBytesPerToken, int contextLength, int threads, String device, String deviceName, long deviceWeightBytes,
        String nativeVersion) {
    public ModelInfo {
        layerCounts = Map.copyOf(layerCounts);
        bytesByDtype = Map.copyOf(bytesByDtype);
    }
}
