package dev.nemotron4j.generation;

import java.util.List;

/**
 * A drawn token with its log-probability and, when asked for, the most likely alternatives.
 *
 * @param token   the token id
 * @param logprob its log-probability
 * @param top     the top-N (id, log-probability) pairs, most likely first; empty unless requested
 */
public record SampledToken(int token, float logprob, List<TopLogprob> top) {
    public SampledToken {
        top = List.copyOf(top);
    }

    /** One alternative. */
    public record TopLogprob(int token, float logprob) {}
}
