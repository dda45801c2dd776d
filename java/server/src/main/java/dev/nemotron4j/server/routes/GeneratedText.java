package dev.nemotron4j.server.routes;

import dev.nemotron4j.Delta;

/**
 * The generated text as one {@code content} stream, as vLLM returns it without a reasoning parser: the
 * reasoning, {@code </think>} and the answer exactly as the model wrote them ({@link Delta#text()}), so
 * the streamed pieces and the non-streamed content are the same text by construction.
 */
final class GeneratedText {
    private final StringBuilder whole = new StringBuilder();

    /** The content piece for {@code delta} (maybe empty). */
    String push(Delta delta) {
        whole.append(delta.text());
        return delta.text();
    }

    /** Every piece so far, concatenated. */
    String whole() {
        return whole.toString();
    }
}
