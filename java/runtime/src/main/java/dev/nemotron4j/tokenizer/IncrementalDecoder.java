package dev.nemotron4j.tokenizer;

import java.util.Arrays;

/**
 * Streaming detokenization of one sequence: {@link #push} each generated id, get back the text that
 * became final, never half a character. A byte-level BPE token can hold part of a UTF-8 character
 * (emoji, CJK), so decoding token by token would print U+FFFD; this holds tokens back until their text
 * no longer ends with U+FFFD, the approach of vLLM's and TGI's detokenizers:
 *
 * <pre>
 *   window    [ prefix (already emitted, context) | pending (not yet emitted) ]
 *   push(id)  text = decode(window); if text does not end with U+FFFD: emit text minus decode(prefix),
 *             the pending tokens become the new prefix and the old prefix leaves the window
 * </pre>
 *
 * Exact: the pushes and the final {@link #flush()} concatenate to {@code tokenizer.decode(all ids)} for
 * any id sequence of a byte-level tokenizer (Nemotron's), because the window only ever starts where the
 * text before it is final: at a character boundary, or after bytes already known to be invalid. Bounded: a run of tokens that keeps ending in U+FFFD (stray
 * continuation bytes) is cut at a provably final split point once {@link #MAX_PENDING} tokens wait, so
 * each push decodes a window of a few tokens. Not thread-safe: one decoder per sequence.
 */
public final class IncrementalDecoder {
    /**
     * Pending tokens before looking for a split point inside them. A UTF-8 character has at most 4 bytes
     * and a token at least 1, so real text never holds back more than 3; 8 leaves room for byte-fallback
     * tokenizers and keeps the search (2 decodes per candidate) cheap.
     */
    static final int MAX_PENDING = 8;

    /**
     * Pending tokens after which the window is emitted as it is, U+FFFD included. Unreachable for
     * byte-level tokenizers (a split point always exists within 4 tokens); it bounds the work for a
     * decoder whose output never settles, at the price of exactness for that decoder only.
     */
    static final int MAX_WINDOW = 8 * MAX_PENDING;

    private static final char REPLACEMENT = '\uFFFD';

    /** How a window of ids becomes text; the tokenizer's decode, or a fake in tests. */
    interface WindowDecoder {
        String decode(int[] ids, int from, int to);
    }

    private final WindowDecoder decoder;
    private int[] window = new int[2 * MAX_PENDING];
    private int size;
    /** window[0, readOffset) was emitted and serves as context; window[readOffset, size) is pending. */
    private int readOffset;
    /** decode(window[0, readOffset)): the part of the window's text that was emitted. */
    private String prefixText = "";
    private boolean flushed;

    /** A decoder for one sequence, starting with no context. */
    public IncrementalDecoder(Tokenizer tokenizer) {
        this(tokenizer::decode);
    }

    IncrementalDecoder(WindowDecoder decoder) {
        this.decoder = decoder;
    }

    /**
     * Adds the next id of the sequence.
     *
     * @return the text that became final with it; often empty while a character is incomplete
     * @throws dev.nemotron4j.InvalidRequestException for an id outside the vocabulary (the decoder is
     *                                                unchanged)
     * @throws IllegalStateException after {@link #flush()}
     */
    public String push(int id) {
        if (flushed) {
            throw new IllegalStateException("push after flush: the sequence has ended");
        }
        append(id);
        String text;
        try {
            text = decoder.decode(window, 0, size);
        } catch (RuntimeException e) {
            size--; // the id was rejected: leave the decoder as it was
            throw e;
        }
        if (!endsWithReplacement(text)) {
            // the window ends on a character boundary: everything is final
            boolean grew = text.length() > prefixText.length();
            return grew || pending() > MAX_PENDING ? advance(size, text) : "";
        }
        if (pending() > MAX_WINDOW) {
            return advance(size, text);
        }
        if (pending() > MAX_PENDING) {
            return advanceToFinalSplit(text);
        }
        return "";
    }

    /**
     * Ends the sequence: the pending text, with U+FFFD for a character its last tokens left incomplete
     * (as {@link Tokenizer#decode} would show it). Later calls return "".
     */
    public String flush() {
        if (flushed || pending() == 0) {
            flushed = true;
            return "";
        }
        flushed = true;
        return emittable(decoder.decode(window, 0, size));
    }

    /** Tokens pushed but not yet emitted. */
    int pending() {
        return size - readOffset;
    }

    /** Tokens held in the window (context + pending); bounded, whatever the sequence. */
    int windowSize() {
        return size;
    }

    /**
     * A pending run keeps ending in U+FFFD. Looks for the last split point {@code k} whose text is final
     * whatever follows: decode(window[0,k)) + decode(window[k,size)) equals decode(window) with a
     * non-empty right part. With byte-level decoding that holds exactly when the UTF-8 decoder is at a
     * character boundary at {@code k}, or the bytes left open there were already cut off by a byte that
     * cannot continue them (then U+FFFD is their final text).
     */
    private String advanceToFinalSplit(String text) {
        for (int k = size - 1; k > readOffset; k--) {
            String left = decoder.decode(window, 0, k);
            String right = decoder.decode(window, k, size);
            if (!right.isEmpty() && text.length() == left.length() + right.length() && text.startsWith(left)
                    && text.endsWith(right)) {
                return advance(k, left);
            }
        }
        return "";
    }

    /**
     * Emits the window's text up to {@code to} (whose text is {@code textUpTo}); the tokens pending until
     * now become the next prefix and the old prefix leaves the window.
     */
    private String advance(int to, String textUpTo) {
        String delta = emittable(textUpTo);
        int drop = readOffset;
        System.arraycopy(window, drop, window, 0, size - drop);
        size -= drop;
        readOffset = to - drop;
        prefixText = decoder.decode(window, 0, readOffset);
        return delta;
    }

    /** The part of a window text beyond what was emitted. */
    private String emittable(String text) {
        // a decoder that changes earlier text (not byte-level) could return less than the prefix
        return text.length() > prefixText.length() ? text.substring(prefixText.length()) : "";
    }

    private void append(int id) {
        if (size == window.length) {
            window = Arrays.copyOf(window, 2 * size);
        }
        window[size++] = id;
    }

    private static boolean endsWithReplacement(String text) {
        return !text.isEmpty() && text.charAt(text.length() - 1) == REPLACEMENT;
    }
}
