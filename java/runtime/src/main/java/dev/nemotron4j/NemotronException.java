package dev.nemotron4j;

/** Base of every exception nemotron4j throws; subclasses say what the caller can do about it. */
public class NemotronException extends RuntimeException {
    public NemotronException(String message) {
        super(message);
    }

    public NemotronException(String message, Throwable cause) {
        super(message, cause);
    }
}
