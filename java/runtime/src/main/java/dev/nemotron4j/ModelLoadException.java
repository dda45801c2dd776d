package dev.nemotron4j;

/**
 * A model folder could not be loaded: a missing or malformed file, an unsupported architecture, or
 * tensors that do not match the config. The message names the file, key or tensor to fix.
 */
public class ModelLoadException extends NemotronException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
