package dev.nemotron4j;

/**
 * The engine's waiting queue is full ({@link EngineOptions#maxWaiting}); try again later (a server
 * answers 429 or 503 with Retry-After).
 */
public class QueueFullException extends NemotronException {
    public QueueFullException(String message) {
        super(message);
    }
}
