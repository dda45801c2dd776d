package dev.nemotron4j.generation.constraint;

import java.util.Objects;

/**
 * A forced tool choice as the generation loop needs it: the grammar of the answer and the model's token
 * texts. Immutable and shareable; each reply takes its own {@link #newMask()}.
 */
public record ToolCallConstraint(ToolCallGrammar grammar, TokenTable tokens) {
    public ToolCallConstraint {
        Objects.requireNonNull(grammar, "grammar");
        Objects.requireNonNull(tokens, "tokens");
    }

    /** A mask for one reply (it caches the masks of the states that reply goes through). */
    public TokenMask newMask() {
        return new TokenMask(grammar, tokens);
    }
}
