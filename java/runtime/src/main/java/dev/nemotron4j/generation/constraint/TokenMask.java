package dev.nemotron4j.generation.constraint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids a grammar state forbids: every token whose whole text the grammar does not accept from that
 * state. A token may cross from a literal into the JSON and may end exactly where the grammar accepts,
 * never run past it; an unusable token (see {@link TokenTable}) is always forbidden, and a special
 * token only where every one of its characters is read by a literal (so {@code <TOOLCALL>} may open the
 * block but no special token is ever written into the arguments).
 *
 * <p>Work per state: inside a string every plain token short enough is allowed unread and only the
 * others are run through the grammar; elsewhere the groups of tokens sharing a first character, then those sharing the
 * first two, are skipped when the grammar rejects those, and the tokens of a group that passes are run
 * one by one. Masks of recent
 * states are kept ({@link #CACHED_STATES}): a reply goes through few distinct states (inside a string,
 * after a value, in a number …) again and again. One instance per reply; not thread-safe.
 */
public final class TokenMask {
    /** States whose masks are kept; each mask is at most one int per id (512 KiB for 131k ids). */
    static final int CACHED_STATES = 32;

    private final ToolCallGrammar grammar;
    private final TokenTable tokens;
    private final Map<Long, int[]> cache = new LinkedHashMap<>(CACHED_STATES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, int[]> eldest) {
            return size() > CACHED_STATES;
        }
    };

    public TokenMask(ToolCallGrammar grammar, TokenTable tokens) {
        this.grammar = grammar;
        this.tokens = tokens;
    }

    /** The grammar's start state. */
    public long start() {
        return grammar.start();
    }

    /** The ids to suppress in {@code state}, ascending. The array is shared: do not modify it. */
    public int[] suppressed(long state) {
        return cache.computeIfAbsent(state, this::compute);
    }

    /** The state after the whole text of {@code id}, or {@link ToolCallGrammar#REJECT} when it is suppressed. */
    public long advance(long state, int id) {
        String text = id >= 0 && id < tokens.size() ? tokens.text(id) : null;
        if (text == null) {
            return ToolCallGrammar.REJECT;
        }
        return tokens.special(id) ? advanceSpecial(state, text) : grammar.advance(state, text);
    }

    /** Whether the text so far is a whole tool-call block. */
    public boolean accepting(long state) {
        return grammar.accepting(state);
    }

    private int[] compute(long state) {
        boolean[] allowed = new boolean[tokens.size()];
        int room = grammar.plainRoom(state);
        if (room >= 0) {
            for (int id : tokens.plain()) {
                allowed[id] = tokens.text(id).length() <= room;
            }
            for (int id : tokens.notPlain()) {
                allowed[id] = grammar.advance(state, tokens.text(id)) != ToolCallGrammar.REJECT;
            }
        } else {
            int g = 0;
            while (g < tokens.groups()) {
                String prefix = tokens.prefix(g);
                long afterFirst = grammar.advance(state, prefix.charAt(0));
                if (afterFirst == ToolCallGrammar.REJECT) {
                    g = tokens.nextFirstChar(g);  // every group starting with this character
                    continue;
                }
                long afterPrefix = advanceFrom(afterFirst, prefix, 1);
                if (afterPrefix != ToolCallGrammar.REJECT) {
                    for (int id : tokens.group(g)) {
                        allowed[id] = advanceFrom(afterPrefix, tokens.text(id), prefix.length())
                                != ToolCallGrammar.REJECT;
                    }
                }
                g++;
            }
        }
        for (int id : tokens.specials()) {
            allowed[id] = advanceSpecial(state, tokens.text(id)) != ToolCallGrammar.REJECT;
        }
        return suppressedIds(allowed);
    }

    private long advanceFrom(long state, String text, int from) {
        long s = state;
        for (int i = from; i < text.length() && s != ToolCallGrammar.REJECT; i++) {
            s = grammar.advance(s, text.charAt(i));
        }
        return s;
    }

    /** A special token's text, every character of which a literal must read. */
    private long advanceSpecial(long state, String text) {
        long s = state;
        for (int i = 0; i < text.length() && s != ToolCallGrammar.REJECT; i++) {
            if (grammar.inJson(s)) {
                return ToolCallGrammar.REJECT;
            }
            s = grammar.advance(s, text.charAt(i));
        }
        return s;
    }

    private static int[] suppressedIds(boolean[] allowed) {
        int count = 0;
        for (boolean a : allowed) {
            count += a ? 0 : 1;
        }
        int[] suppressed = new int[count];
        int n = 0;
        for (int id = 0; id < allowed.length; id++) {
            if (!allowed[id]) {
                suppressed[n++] = id;
            }
        }
        return suppressed;
    }
}
