/**
 * Constrained decoding for a forced {@code tool_choice}: {@link dev.nemotron4j.generation.constraint.ToolCallGrammar}
 * (the answer, a character at a time), {@link dev.nemotron4j.generation.constraint.TokenTable} (each token's
 * text, once per model) and {@link dev.nemotron4j.generation.constraint.TokenMask} (the ids a state
 * forbids, passed to the sampler as suppressed ids). The generation loop applies them once the reasoning
 * has ended; nothing here knows about the engine.
 */
package dev.nemotron4j.generation.constraint;
