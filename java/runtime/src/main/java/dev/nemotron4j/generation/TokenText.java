package dev.nemotron4j.generation;

/** Streaming detokenization of one reply: each token's newly final text (never half a UTF-8 character). */
public interface TokenText {
    /** The text that became final with this token (possibly empty). */
    String push(int token);

    /** Whatever is still held back, at the end. */
    String flush();
}
