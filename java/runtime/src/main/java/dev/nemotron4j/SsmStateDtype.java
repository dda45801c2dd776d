package dev.nemotron4j;

/** Storage of the Mamba SSM state between steps, as vLLM's {@code --mamba_ssm_cache_dtype}. */
public enum SsmStateDtype {
    /** Default: exact continuation of the recurrence. */
    FLOAT32,
    /** Half the state memory; rounds the state after every step. */
    BFLOAT16
}
