package dev.nemotron4j.server.routes;

import dev.nemotron4j.Delta;

/**
 * The generated text as one {@code content} stream, as vLLM returns it without a reasoning parser: the
 * reasoning, then {@code </think>} and the answer. The runtime splits the two; this joins each delta
 * back, so the streamed pieces and the non-streamed content are the same text by construction.
 * TODO(issue 6): the runtime strips whitespace around the split; this writes NVIDIA's
 * {@code "\n</think>\n\n"} between them instead of the exact generated whitespace.
 */
final class GeneratedText {
    static final String REASONING_END = "\n</think>\n\n";

    private final StringBuilder whole = new StringBuilder();
    private boolean sawReasoning;
    private boolean sawContent;

    /** The content piece for {@code delta} (maybe empty). */
    String push(Delta delta) {
        StringBuilder piece = new StringBuilder();
        if (!delta.reasoning().isEmpty()) {
            sawReasoning = true;
            piece.append(delta.reasoning());
        }
        if (!delta.content().isEmpty()) {
            if (sawReasoning && !sawContent) {
                piece.append(REASONING_END);
            }
            sawContent = true;
            piece.append(delta.content());
        }
        whole.append(piece);
        return piece.toString();
    }

    /** Every piece so far, concatenated. */
    String whole() {
        return whole.toString();
    }
}
