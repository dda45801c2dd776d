package dev.nemotron4j.generation.constraint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The mask against a naive reference (each token run through the grammar on its own) on random states. */
class TokenMaskTest {
    /**
     * A vocabulary in the shape of a byte-level BPE one: specials, literal pieces, words, JSON pieces, and
     * (appended) every printable ASCII character, so that any text can be written.
     */
    private static final String[] TEXTS = withAscii(new String[] {
        null, "", "<eos>", "<TOOLCALL>", "</TOOLCALL>", "</think>",               // 0-5: no text / special
        "<", "TOOL", "CALL", ">", "[", "<TOOLCALL>[", "<TOOLCALL>[{\"", "{\"", "name", "\":", " \"",
        "add", "sub", "ad", "d", "\",", " \"arguments", "\":", " ", "{", "}", "}]", "]</TOOLCALL>", "</", ">\n",
        "}]</TOOLCALL>", "}]</TOOLCALL>\n", "}}]</TOOLCALL>", "}, {\"", "\"", "a", "b", "1", "2", "0", "01", "-",
        ".", "e", "E+", "5", "12", "true", "tr", "ue", "null", "false", ",", ", ", ":", ": ", "\n", "\n\n", "  ",
        "    ", "\t", "\\", "\\\"", "\\u", "00", "e9", "\\n", "x", "hello", " world", "é", "😀", "\uFFFD",
        "[\"", "\"]", "\"}", "\"},", "{}", "[]", "[[", "]]", "{\"a\": 1}", "\"a\": ", "q", "\u0001",
    });
    private static final int SPECIALS = 6;  // ids 2..5 are special tokens; 0 has no text, 1 an empty one

    private static String[] withAscii(String[] texts) {
        List<String> all = new ArrayList<>(Arrays.asList(texts));
        for (char c = ' '; c < 127; c++) {
            all.add(String.valueOf(c));
        }
        return all.toArray(String[]::new);
    }

    private static TokenTable table() {
        boolean[] special = new boolean[TEXTS.length];
        for (int id = 2; id < SPECIALS; id++) {
            special[id] = true;
        }
        return TokenTable.of(TEXTS, special);
    }

    /** The reference: runs the token's characters one by one; a special token may not touch the JSON. */
    private static boolean naiveAllows(ToolCallGrammar grammar, long state, int id) {
        String text = TEXTS[id];
        if (text == null || text.isEmpty() || text.contains("\uFFFD")) {
            return false;
        }
        long s = state;
        for (int i = 0; i < text.length(); i++) {
            if (id < SPECIALS && grammar.inJson(s)) {
                return false;
            }
            s = grammar.advance(s, text.charAt(i));
            if (s == ToolCallGrammar.REJECT) {
                return false;
            }
        }
        return true;
    }

    private static int[] naiveSuppressed(ToolCallGrammar grammar, long state) {
        return IntStream.range(0, TEXTS.length).filter(id -> !naiveAllows(grammar, state, id)).toArray();
    }

    /** States met on random walks that draw only allowed tokens, until the grammar accepts. */
    private static List<Long> randomStates(ToolCallGrammar grammar, Random random, int walks) {
        List<Long> states = new ArrayList<>();
        for (int w = 0; w < walks; w++) {
            long s = grammar.start();
            StringBuilder walked = new StringBuilder();
            for (int step = 0; step < 200 && !grammar.accepting(s); step++) {
                states.add(s);
                long current = s;
                int[] allowed = IntStream.range(0, TEXTS.length).filter(id -> naiveAllows(grammar, current, id))
                        .toArray();
                assertTrue(allowed.length > 0, "some token always continues a block that is not whole: " + walked);
                // lean towards closing, so that walks reach the end
                int pick = step > 60 && random.nextBoolean() ? closing(allowed)
                        : allowed[random.nextInt(allowed.length)];
                s = grammar.advance(s, TEXTS[pick]);
                walked.append(TEXTS[pick]);
            }
            states.add(s);
        }
        return states;
    }

    private static int closing(int[] allowed) {
        for (int id : allowed) {
            if (TEXTS[id].startsWith("}") || TEXTS[id].startsWith("]") || TEXTS[id].startsWith("\"")) {
                return id;
            }
        }
        return allowed[0];
    }

    @Test
    void theMaskEqualsTheNaiveReferenceOnRandomStates() {
        for (ToolCallGrammar grammar : List.of(ToolCallGrammar.oneCall("add"),
                ToolCallGrammar.oneOrMoreCalls(List.of("add", "sub", "ad")))) {
            TokenMask mask = new TokenMask(grammar, table());
            Random random = new Random(5);
            List<Long> states = randomStates(grammar, random, 40);
            assertTrue(states.size() > 500, "the walks cover many states: " + states.size());
            assertTrue(states.stream().filter(grammar::accepting).count() >= 10, "and many reach the end");
            for (long state : states) {
                assertArrayEquals(naiveSuppressed(grammar, state), mask.suppressed(state), Long.toHexString(state));
                assertArrayEquals(naiveSuppressed(grammar, state), mask.suppressed(state), "cached the same");
            }
        }
    }

    @Test
    void plainTokensFillAKeyUpToItsLimit() {
        ToolCallGrammar grammar = ToolCallGrammar.oneCall("add");
        TokenMask mask = new TokenMask(grammar, table());
        long inKey = grammar.advance(grammar.start(), "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"");
        for (int length = ToolCallGrammar.MAX_KEY_LENGTH - 6; length <= ToolCallGrammar.MAX_KEY_LENGTH; length++) {
            long state = grammar.advance(inKey, "k".repeat(length));
            assertArrayEquals(naiveSuppressed(grammar, state), mask.suppressed(state), "key length " + length);
        }
        long full = grammar.advance(inKey, "k".repeat(ToolCallGrammar.MAX_KEY_LENGTH - 2));
        assertFalse(suppressed(mask, full, Arrays.asList(TEXTS).indexOf("a")), "one more fits");
        assertTrue(suppressed(mask, full, Arrays.asList(TEXTS).indexOf("hello")), "five do not");
    }

    @Test
    void specialTokensWriteLiteralsButNeverJson() {
        ToolCallGrammar grammar = ToolCallGrammar.oneCall("add");
        TokenMask mask = new TokenMask(grammar, table());
        long start = grammar.start();
        assertFalse(suppressed(mask, start, 3), "<TOOLCALL> opens the block");
        long inString = grammar.advance(start, "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"a\": \"");
        assertTrue(suppressed(mask, inString, 3), "no special token inside a string");
        assertTrue(suppressed(mask, inString, 4));
        assertFalse(suppressed(mask, inString, 29), "'</' is text");
        long beforeClose = grammar.advance(start, "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {}}]");
        assertFalse(suppressed(mask, beforeClose, 4), "</TOOLCALL> closes the block");
        assertEquals(grammar.advance(beforeClose, "</TOOLCALL>"), mask.advance(beforeClose, 4));
    }

    @Test
    void tokensWithoutTextAreAlwaysSuppressed() {
        ToolCallGrammar grammar = ToolCallGrammar.oneCall("add");
        TokenMask mask = new TokenMask(grammar, table());
        long inString = grammar.advance(grammar.start(), "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {\"a\": \"");
        for (int id : new int[] {0, 1, 2, 73}) {  // null, "", a special token, U+FFFD
            assertTrue(suppressed(mask, inString, id), TEXTS[id]);
            assertEquals(ToolCallGrammar.REJECT, mask.advance(inString, id));
        }
        assertFalse(suppressed(mask, inString, 71), "a whole character");
    }

    @Test
    void aTokenMayEndAtTheBlocksEndButNotRunPastIt() {
        ToolCallGrammar grammar = ToolCallGrammar.oneCall("add");
        TokenMask mask = new TokenMask(grammar, table());
        long afterArguments = grammar.advance(grammar.start(), "<TOOLCALL>[{\"name\": \"add\", \"arguments\": {}");
        assertFalse(suppressed(mask, afterArguments, 31));
        assertTrue(suppressed(mask, afterArguments, 32), "a newline after the block");
        assertTrue(mask.accepting(mask.advance(afterArguments, 31)));
    }

    private static boolean suppressed(TokenMask mask, long state, int id) {
        return Arrays.binarySearch(mask.suppressed(state), id) >= 0;
    }
}
