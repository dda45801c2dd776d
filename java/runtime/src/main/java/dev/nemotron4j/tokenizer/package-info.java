/**
 * Tokens ↔ text for a model folder: {@link dev.nemotron4j.tokenizer.Tokenizer} runs its
 * {@code tokenizer.json} with Hugging Face tokenizers through DJL, offline;
 * {@link dev.nemotron4j.tokenizer.IncrementalDecoder} turns a stream of generated ids into text without
 * ever emitting half a UTF-8 character. Chat templates, stop strings and reasoning parsing live in
 * {@code chat/} and {@code generation/}.
 */
package dev.nemotron4j.tokenizer;
