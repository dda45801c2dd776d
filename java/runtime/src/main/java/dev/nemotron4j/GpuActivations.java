package dev.nemotron4j;

/**
 * What the CUDA backend's prefill GEMMs read their bfloat16 weights against ({@link ModelOptions#gpuActivations()};
 * {@code nt_activation_precision} in the C API). Decode steps of one or two tokens read float32 either way, and
 * the CPU backend ignores it.
 */
public enum GpuActivations {
    /**
     * Default: activations rounded to bfloat16 (about 2^-9 relative error per input), as vLLM does; fast. On the
     * bfloat16 test checkpoint the logits move by about 1e-2 relative to a float64 reference.
     */
    BFLOAT16,
    /** Activations split into two bfloat16 halves: float32-accurate, twice the GEMM work. */
    FLOAT32
}
