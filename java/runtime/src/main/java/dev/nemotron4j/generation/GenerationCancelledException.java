package dev.nemotron4j.generation;

/** The reply was cancelled while it waited for the engine (its caller went away, or the engine closed). */
public final class GenerationCancelledException extends RuntimeException {
    public GenerationCancelledException(String message) {
        super(message);
    }
}
