package dev.nemotron4j.weights;

import java.util.Optional;

/**
 * The element types of checkpoint tensors that nemotron4j loads, named as safetensors names them.
 * Weights stay in their stored type in memory; every other safetensors dtype (F64, I8, U8, F8_E4M3,
 * BOOL, I64, ...) is refused by {@link SafetensorsHeader} with the tensor and file named.
 *
 * <p>The declaration order is the native {@code nt_dtype} code (nemotron.h: F32 = 0, F16 = 1, BF16 = 2),
 * which the bindings pass as {@link #ordinal()}: append new types, never reorder.
 */
public enum TensorDType {
    /** IEEE 754 binary32. */
    F32("F32", 4),
    /** IEEE 754 binary16. */
    F16("F16", 2),
    /** bfloat16: the upper half of a binary32 (NVIDIA's checkpoints ship in it). */
    BF16("BF16", 2);

    private final String safetensorsName;
    private final int bytesPerElement;

    TensorDType(String safetensorsName, int bytesPerElement) {
        this.safetensorsName = safetensorsName;
        this.bytesPerElement = bytesPerElement;
    }

    /** The {@code dtype} string of this type in a safetensors header. */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** Bytes one element occupies in the file. */
    public int bytesPerElement() {
        return bytesPerElement;
    }

    /** The type a safetensors {@code dtype} string names, or empty if it is not one nemotron4j loads. */
    public static Optional<TensorDType> fromSafetensorsName(String name) {
        for (TensorDType dtype : values()) {
            if (dtype.safetensorsName.equals(name)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }
}
