package dev.nemotron4j;

/** The sequence would grow past the model's context length (config {@code max_position_embeddings}). */
public class ContextLengthExceededException extends InvalidRequestException {
    public ContextLengthExceededException(String message) {
        super(message);
    }
}
