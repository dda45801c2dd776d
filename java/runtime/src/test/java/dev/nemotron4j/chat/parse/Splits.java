package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Ways to cut a text into deltas for the streaming tests: whole, in two at every index, in three at every
 * pair of indexes (short texts), one char at a time, one code point at a time, and seeded random pieces
 * (some empty). A detokenizer only cuts between code points; cuts inside a surrogate pair are included
 * anyway (the parsers work on chars, so their output must still concatenate to the same text), and
 * {@link Cut#codePointAligned()} tells which cuts a real stream can produce.
 */
final class Splits {
    /** Random cuttings per text and seed; each piece 0–12 chars, so markers straddle pieces often. */
    static final int RANDOM_CUTS = 200;
    /** Three-piece cuts are O(n²) runs; above this length two-piece and random cuts cover enough. */
    static final int MAX_LENGTH_FOR_PAIRS = 120;

    /** One cutting of a text. */
    record Cut(String name, List<String> pieces, boolean codePointAligned) {}

    private Splits() {}

    static List<Cut> of(String text) {
        List<Cut> cuts = new ArrayList<>();
        cuts.add(new Cut("whole", List.of(text), true));
        for (int i = 0; i <= text.length(); i++) {
            cuts.add(new Cut("at " + i, List.of(text.substring(0, i), text.substring(i)), aligned(text, i)));
        }
        if (text.length() <= MAX_LENGTH_FOR_PAIRS) {
            for (int i = 1; i < text.length(); i++) {
                for (int j = i; j < text.length(); j++) {
                    cuts.add(new Cut("at " + i + "," + j,
                            List.of(text.substring(0, i), text.substring(i, j), text.substring(j)),
                            aligned(text, i) && aligned(text, j)));
                }
            }
        }
        cuts.add(new Cut("chars", chars(text), false));
        cuts.add(new Cut("code points", codePoints(text), true));
        for (long seed = 0; seed < RANDOM_CUTS; seed++) {
            cuts.add(random(text, seed));
        }
        return cuts;
    }

    /** Fails if {@code delta} holds half a surrogate pair. */
    static void assertWellFormed(String delta, String context) {
        for (int i = 0; i < delta.length(); i++) {
            char c = delta.charAt(i);
            if (Character.isHighSurrogate(c) && (i + 1 == delta.length() || !Character.isLowSurrogate(delta.charAt(i + 1)))
                    || Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(delta.charAt(i - 1)))) {
                fail(context + ": delta " + delta + " splits a surrogate pair at " + i);
            }
        }
    }

    private static boolean aligned(String text, int i) {
        return i == 0 || i == text.length() || !Character.isLowSurrogate(text.charAt(i));
    }

    private static List<String> chars(String text) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            pieces.add(text.substring(i, i + 1));
        }
        return pieces;
    }

    private static List<String> codePoints(String text) {
        return text.codePoints().mapToObj(Character::toString).toList();
    }

    private static Cut random(String text, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean alignedOnly = seed % 2 == 0; // half the random cuttings are ones a detokenizer could make
        List<String> pieces = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = Math.min(text.length(), at + random.nextInt(13));
            if (alignedOnly && !aligned(text, end)) {
                end++;
            }
            pieces.add(text.substring(at, end));
            at = end;
        }
        return new Cut("random seed " + seed, pieces, alignedOnly);
    }
}
