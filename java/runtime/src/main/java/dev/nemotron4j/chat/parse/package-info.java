/**
 * Streaming parsers for what the model writes, pure Java and independent of the engine. Each takes
 * text deltas in any split (a marker may arrive one character at a time), releases only text it will
 * never withdraw, and gives the same result streamed as in one shot ({@code pushAll}).
 *
 * <p>The order for one reply: detokenized text → {@link dev.nemotron4j.chat.parse.StopMatcher} (stop
 * strings, over everything the model writes) → {@link dev.nemotron4j.chat.parse.ReasoningParser}
 * (reasoning | content at {@code </think>}) → content only, when the request has tools →
 * {@link dev.nemotron4j.chat.parse.ToolCallParser} ({@code <TOOLCALL>[…]</TOOLCALL>} → calls).
 * End-of-turn tokens never reach them; the generation loop strips those.
 */
package dev.nemotron4j.chat.parse;
