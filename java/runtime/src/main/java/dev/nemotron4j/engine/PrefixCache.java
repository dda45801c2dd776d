package dev.nemotron4j.engine;

import dev.nemotron4j.nativeapi.NativeSequence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sequences paused after known token prefixes, for requests that start the same way. A Mamba state
 * cannot be rewound, so an entry is only usable when its whole token list is a prefix of the new
 * prompt; the engine therefore snapshots where requests actually diverge: where the caller marks it
 * (the end of the system part or of the last user turn) and at the end of every finished request.
 * The KV blocks of a reused entry are shared, not copied; its state slot is copied. Least recently
 * used entries go first when the engine needs slots or blocks. Guarded by the engine's lock.
 */
final class PrefixCache {
    private static final class Entry {
        final int[] tokens;
        final NativeSequence sequence;
        long lastUsed;

        Entry(int[] tokens, NativeSequence sequence, long lastUsed) {
            this.tokens = tokens;
            this.sequence = sequence;
            this.lastUsed = lastUsed;
        }
    }

    /** A usable entry: fork its sequence to continue after its {@code tokens}. */
    record Hit(NativeSequence sequence, int length) {}

    private final List<Entry> entries = new ArrayList<>();
    private final int maxEntries;
    private long clock;
    private long queries;
    private long hits;
    private long hitTokens;

    PrefixCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /**
     * The longest entry whose tokens are a prefix of {@code prompt} and shorter than it (at least one
     * token must still be fed, to have logits to draw from), or null.
     */
    Hit lookup(int[] prompt) {
        queries++;
        Entry best = null;
        for (Entry e : entries) {
            if (e.tokens.length < prompt.length && (best == null || e.tokens.length > best.tokens.length)
                    && Arrays.equals(e.tokens, 0, e.tokens.length, prompt, 0, e.tokens.length)) {
                best = e;
            }
        }
        if (best == null) {
            return null;
        }
        best.lastUsed = ++clock;
        hits++;
        hitTokens += best.tokens.length;
        return new Hit(best.sequence, best.tokens.length);
    }

    /** Keeps {@code sequence} (now owned by the cache) as the state after {@code tokens}. */
    void insert(int[] tokens, NativeSequence sequence) {
        for (Entry e : entries) {
            if (Arrays.equals(e.tokens, tokens)) {
                e.lastUsed = ++clock;
                sequence.close();
                return;
            }
        }
        if (maxEntries == 0) {
            sequence.close();
            return;
        }
        while (entries.size() >= maxEntries) {
            evictOne();
        }
        entries.add(new Entry(tokens, sequence, ++clock));
    }

    boolean contains(int[] tokens) {
        for (Entry e : entries) {
            if (Arrays.equals(e.tokens, tokens)) {
                return true;
            }
        }
        return false;
    }

    /** Frees the least recently used entry; false when there is none. */
    boolean evictOne() {
        Entry oldest = null;
        for (Entry e : entries) {
            if (oldest == null || e.lastUsed < oldest.lastUsed) {
                oldest = e;
            }
        }
        if (oldest == null) {
            return false;
        }
        entries.remove(oldest);
        oldest.sequence.close();
        return true;
    }

    void clear() {
        while (evictOne()) {
            // frees every entry
        }
    }

    int size() {
        return entries.size();
    }

    long queries() {
        return queries;
    }

    long hits() {
        return hits;
    }

    long hitTokens() {
        return hitTokens;
    }
}
