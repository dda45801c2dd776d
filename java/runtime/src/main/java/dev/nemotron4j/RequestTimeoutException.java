package dev.nemotron4j;

/** A request ran past its deadline ({@link Generation.Builder#timeout}); its sequence was freed. */
public class RequestTimeoutException extends NemotronException {
    public RequestTimeoutException(String message) {
        super(message);
    }
}
