package dev.nemotron4j.nativeapi;

import dev.nemotron4j.ModelLoadException;

/**
 * The native core cannot do what was asked (status {@code NT_UNSUPPORTED}): a model feature this build does
 * not implement, or the CUDA backend when it cannot be loaded or cannot run these options. The message says
 * why; {@code NemotronModel} falls back to the CPU on it.
 */
public final class NativeUnsupportedException extends ModelLoadException {
    public NativeUnsupportedException(String message) {
        super(message);
    }
}
