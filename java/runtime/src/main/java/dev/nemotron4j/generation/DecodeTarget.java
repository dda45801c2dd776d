package dev.nemotron4j.generation;

/**
 * The one sequence a generation runs on: feed tokens, draw the next one from the logits after the last
 * fed token. The native sequence implements it (logits stay in native memory); tests use a fake.
 */
public interface DecodeTarget {
    /** Appends tokens (a prompt piece, a sampled token, or forced tokens) and computes the next logits. */
    void feed(int[] tokens);

    /** Draws the next token from the logits after the last fed token. */
    SampledToken sample(SamplingStep step);

    /** Tokens in the sequence so far. */
    long length();

    /** Prompt tokens reused from a cache rather than computed (reported as usage's cached tokens). */
    default long cachedTokens() {
        return 0;
    }
}
