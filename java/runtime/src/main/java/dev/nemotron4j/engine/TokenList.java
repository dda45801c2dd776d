package dev.nemotron4j.engine;

import java.util.Arrays;

/** A growable list of token ids (no boxing: prompts run to many thousands of tokens). */
final class TokenList {
    private int[] ids = new int[16];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void addAll(int[] tokens) {
        addAll(tokens, 0, tokens.length);
    }

    void addAll(int[] tokens, int from, int to) {
        int n = to - from;
        if (size + n > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(size + n, 2 * ids.length));
        }
        System.arraycopy(tokens, from, ids, size, n);
        size += n;
    }

    /** The first n ids (a copy). */
    int[] peek(int n) {
        return Arrays.copyOf(ids, n);
    }

    /** Removes and returns the first n ids. */
    int[] take(int n) {
        int[] head = Arrays.copyOf(ids, n);
        System.arraycopy(ids, n, ids, 0, size - n);
        size -= n;
        return head;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }

    void clear() {
        size = 0;
    }
}
