package dev.nemotron4j.generation;

import dev.nemotron4j.tokenizer.IncrementalDecoder;

/** Streaming detokenization of one reply: each token's newly final text (never half a UTF-8 character). */
public interface TokenText {
    /** The text that became final with this token (possibly empty). */
    String push(int token);

    /** Whatever is still held back, at the end. */
    String flush();

    /** The text of {@code decoder}, which must be fresh (one per reply). */
    static TokenText of(IncrementalDecoder decoder) {
        return new TokenText() {
            @Override
            public String push(int token) {
                return decoder.push(token);
            }

            @Override
            public String flush() {
                return decoder.flush();
            }
        };
    }
}
