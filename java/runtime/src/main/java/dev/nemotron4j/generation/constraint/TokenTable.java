package dev.nemotron4j.generation.constraint;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Each token's text as it contributes to the decoded string, for every id of the model's logits, indexed
 * for {@link TokenMask}. Built once per model ({@link dev.nemotron4j.chat.ChatResources#tokenTable()});
 * immutable.
 *
 * <p>A token is usable inside a constraint only when its text is whole: not empty (end-of-turn and other
 * special tokens may decode to nothing, which would pass any grammar) and free of U+FFFD (a byte-level
 * token holding part of a UTF-8 character decodes to it alone). Special tokens ({@code <TOOLCALL>},
 * {@code </think>} …) keep their text but are listed apart: the mask lets them write grammar literals,
 * never JSON.
 *
 * <p>The other usable tokens are indexed twice: grouped by their first two characters, in order (a state
 * rejects most first characters and most prefixes, and with them whole runs of groups: half a BPE
 * vocabulary starts with a space), and split
 * into {@linkplain ToolCallGrammar#isPlain plain} texts and the rest (inside a string every plain token
 * is allowed unread).
 */
public final class TokenTable {
    private static final int PREFIX = 2;

    private final String[] texts;
    private final boolean[] special;
    /** Usable special tokens. */
    private final int[] specials;
    /** Usable ordinary tokens whose every character is plain, and those with another character. */
    private final int[] plain;
    private final int[] notPlain;
    /** The distinct prefixes (first {@link #PREFIX} characters or fewer) of usable ordinary tokens, and their ids. */
    private final String[] prefixes;
    private final int[][] byPrefix;
    /** Per group: the next group whose prefix starts with another character (groups are sorted). */
    private final int[] nextFirstChar;

    private TokenTable(String[] texts, boolean[] special) {
        this.texts = texts;
        this.special = special;
        List<Integer> specialIds = new ArrayList<>();
        List<Integer> plainIds = new ArrayList<>();
        List<Integer> otherIds = new ArrayList<>();
        TreeMap<String, List<Integer>> groups = new TreeMap<>();
        for (int id = 0; id < texts.length; id++) {
            String text = texts[id];
            if (text == null) {
                continue;
            }
            if (special[id]) {
                specialIds.add(id);
                continue;
            }
            (text.chars().allMatch(c -> ToolCallGrammar.isPlain((char) c)) ? plainIds : otherIds).add(id);
            groups.computeIfAbsent(text.substring(0, Math.min(PREFIX, text.length())), p -> new ArrayList<>()).add(id);
        }
        this.specials = ints(specialIds);
        this.plain = ints(plainIds);
        this.notPlain = ints(otherIds);
        this.prefixes = groups.keySet().toArray(String[]::new);
        this.byPrefix = groups.values().stream().map(TokenTable::ints).toArray(int[][]::new);
        this.nextFirstChar = new int[prefixes.length];
        for (int g = prefixes.length - 1; g >= 0; g--) {
            boolean sameNext = g + 1 < prefixes.length && prefixes[g + 1].charAt(0) == prefixes[g].charAt(0);
            nextFirstChar[g] = sameNext ? nextFirstChar[g + 1] : g + 1;
        }
    }

    /**
     * A table over ids {@code [0, texts.length)} (the logits' width).
     *
     * @param texts   each id's text alone; null for an id that has none (outside the tokenizer)
     * @param special whether each id is a special token (same length as {@code texts})
     */
    public static TokenTable of(String[] texts, boolean[] special) {
        if (texts.length != special.length) {
            throw new IllegalArgumentException(texts.length + " texts but " + special.length + " special flags");
        }
        String[] usable = new String[texts.length];
        for (int id = 0; id < texts.length; id++) {
            String t = texts[id];
            usable[id] = t == null || t.isEmpty() || t.indexOf('\uFFFD') >= 0 ? null : t;
        }
        return new TokenTable(usable, special.clone());
    }

    /** Ids in the table: the width of the logits. */
    public int size() {
        return texts.length;
    }

    /** The id's text, or null when it may never be drawn under a constraint. */
    public String text(int id) {
        return texts[id];
    }

    public boolean special(int id) {
        return special[id];
    }

    int[] specials() {
        return specials;
    }

    int[] plain() {
        return plain;
    }

    int[] notPlain() {
        return notPlain;
    }

    int groups() {
        return prefixes.length;
    }

    String prefix(int group) {
        return prefixes[group];
    }

    int[] group(int group) {
        return byPrefix[group];
    }

    /** The first group after {@code group} whose prefix starts with another character. */
    int nextFirstChar(int group) {
        return nextFirstChar[group];
    }

    private static int[] ints(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
