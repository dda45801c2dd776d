package dev.nemotron4j;

/** A request the caller must change before retrying: a bad token id, an empty prompt, a bad option. */
public class InvalidRequestException extends NemotronException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
