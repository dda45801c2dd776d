package dev.nemotron4j.chat.parse;

import java.util.Objects;

/**
 * What one {@link StopMatcher#push} released, or, from {@link StopMatcher#pushAll}, the whole output.
 *
 * @param text text safe to emit: never part of a stop string, and when {@code stop} is set, all the
 *             text up to (not including) it
 * @param stop the stop string that matched, or null while none has
 */
public record StopResult(String text, String stop) {
    public StopResult {
        Objects.requireNonNull(text, "text");
    }

    /** Whether a stop string matched: the caller stops generating, and later text is discarded. */
    public boolean stopped() {
        return stop != null;
    }
}
