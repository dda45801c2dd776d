package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Reasoning | content at {@code </think>}: fixed replies (the bundled model's own, a budget cut, no marker,
 * empty reasoning, unicode, stray {@code <think>}) give the expected split in one shot, and the same
 * split, deltas and views under every cutting from {@link Splits}.
 */
class ReasoningParserTest {
    static final Supplier<ReasoningParser> THINKING = ReasoningParser::startingInReasoning;
    static final Supplier<ReasoningParser> NO_THINKING = ReasoningParser::startingInContent;

    static Stream<Arguments> replies() {
        return Stream.of(
                // chat_demo.json think_2+2 (the generation loop has stripped <SPECIAL_12>)
                reply("thinking", THINKING,
                        "The user asks for 2 plus 2. This is basic arithmetic. 2 + 2 = 4. So the answer is 4.\n</think>\n\n2 + 2 equals **4**.\n",
                        "The user asks for 2 plus 2. This is basic arithmetic. 2 + 2 = 4. So the answer is 4.",
                        "2 + 2 equals **4**."),
                // chat_demo.json no_think_2+2
                reply("no thinking", NO_THINKING, "2 + 2 equals **4**.\n", "", "2 + 2 equals **4**."),
                // chat_demo.json budget8_9*8: 8 reasoning tokens, the forced text, the answer
                reply("budget cut", THINKING, "The user asks for" + ".\n</think>\n\n" + "9 * 8 equals **72**.\n",
                        "The user asks for.", "9 * 8 equals **72**."),
                reply("cut by max_tokens", THINKING, "The user asks for 2 plus", "The user asks for 2 plus", ""),
                reply("cut inside the marker", THINKING, "So 4.\n</thi", "So 4.\n</thi", ""),
                reply("empty reasoning", THINKING, "</think>\n\nHi.", "", "Hi."),
                reply("whitespace reasoning", THINKING, "\n \n</think>Hi.", "", "Hi."),
                reply("empty reply", THINKING, "", "", ""),
                reply("no content", THINKING, "Thinking.\n</think>\n\n", "Thinking.", ""),
                reply("angle brackets in reasoning", THINKING, "a < b, a </ b, </thin k>, <<</think>>x",
                        "a < b, a </ b, </thin k>, <<", ">x"),
                reply("marker twice", THINKING, "r</think>c</think>d", "r", "c</think>d"),
                reply("inner whitespace kept", THINKING, "  line 1\n\n  line 2  \n</think>\n\n  a\n\n  b \n",
                        "line 1\n\n  line 2", "a\n\n  b"),
                reply("unicode", THINKING, "思考中 🤔 2+2…\n</think>\n\n答案是 **4** 👍🏽\n", "思考中 🤔 2+2…", "答案是 **4** 👍🏽"),
                reply("unicode against the marker", THINKING, "😀</think>😀", "😀", "😀"),
                reply("leading <think> while thinking", THINKING, "<think>\nHmm.</think>\n\nYes.", "Hmm.", "Yes."),
                reply("stray <think> without thinking", NO_THINKING, "\n<think>Hmm.\n</think>\n\nYes.\n", "Hmm.", "Yes."),
                reply("empty <think></think> without thinking", NO_THINKING, "<think></think>Yes.", "", "Yes."),
                reply("<thinking> is text", NO_THINKING, "<thinking> is a tag", "", "<thinking> is a tag"),
                reply("late <think> is text", NO_THINKING, "Yes. <think>no</think>", "", "Yes. <think>no</think>"),
                reply("partial <think> at the end", NO_THINKING, " <thin", "", "<thin"),
                reply("partial <think> while thinking", THINKING, "<thi", "<thi", ""),
                reply("no_think content with </think>", NO_THINKING, "a</think>b", "", "a</think>b"));
    }

    static Arguments reply(String name, Supplier<ReasoningParser> parser, String text, String reasoning, String content) {
        return Arguments.of(name, parser, text, new ReasoningSplit(reasoning, content));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void oneShot(String name, Supplier<ReasoningParser> parser, String text, ReasoningSplit expected) {
        assertEquals(expected, parser.get().pushAll(text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replies")
    void everyCuttingGivesTheOneShotSplit(String name, Supplier<ReasoningParser> parser, String text,
            ReasoningSplit expected) {
        for (Splits.Cut cut : Splits.of(text)) {
            assertEquals(expected, stream(parser.get(), cut), name + ", cut " + cut.name() + ": " + cut.pieces());
        }
    }

    /** Pushes the pieces and finishes; checks each delta and that the deltas add up to the views. */
    static ReasoningSplit stream(ReasoningParser parser, Splits.Cut cut) {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        for (String piece : cut.pieces()) {
            append(parser.push(piece), reasoning, content, cut);
        }
        append(parser.finish(), reasoning, content, cut);
        assertEquals(reasoning.toString(), parser.reasoning(), "reasoning deltas vs view, cut " + cut.name());
        assertEquals(content.toString(), parser.content(), "content deltas vs view, cut " + cut.name());
        return new ReasoningSplit(reasoning.toString(), content.toString());
    }

    private static void append(ReasoningSplit delta, StringBuilder reasoning, StringBuilder content, Splits.Cut cut) {
        if (cut.codePointAligned()) {
            Splits.assertWellFormed(delta.reasoning(), cut.name());
            Splits.assertWellFormed(delta.content(), cut.name());
        }
        reasoning.append(delta.reasoning());
        content.append(delta.content());
    }

    @Test
    void markerSplitAcrossDeltasIsHeldBackThenDropped() {
        ReasoningParser parser = ReasoningParser.startingInReasoning();
        assertEquals(new ReasoningSplit("So 4.", ""), parser.push("So 4.\n</th"));
        assertFalse(parser.reasoningEnded());
        assertEquals(new ReasoningSplit("", ""), parser.push("ink"));
        assertEquals(new ReasoningSplit("", ""), parser.push(">\n\n"));
        assertTrue(parser.reasoningEnded());
        assertEquals(new ReasoningSplit("", "4"), parser.push("4"));
        assertEquals(new ReasoningSplit("", "."), parser.push(".\n")); // the newline waits for more text
        assertEquals(new ReasoningSplit("", ""), parser.finish());
        assertEquals("So 4.", parser.reasoning());
        assertEquals("4.", parser.content());
    }

    @Test
    void aFalseStartOfTheMarkerIsReleasedAsReasoning() {
        ReasoningParser parser = ReasoningParser.startingInReasoning();
        assertEquals(new ReasoningSplit("a", ""), parser.push("a</"));
        assertEquals(new ReasoningSplit("</b", ""), parser.push("b"));
    }

    @Test
    void whitespaceInsideTheReasoningWaitsForTheNextWord() {
        ReasoningParser parser = ReasoningParser.startingInReasoning();
        assertEquals(new ReasoningSplit("one", ""), parser.push("\none\n\n"));
        assertEquals(new ReasoningSplit("\n\ntwo", ""), parser.push("two"));
    }

    @Test
    void startingInContentHasEndedTheReasoningOnceNoThinkCannotFollow() {
        ReasoningParser parser = ReasoningParser.startingInContent();
        assertFalse(parser.reasoningEnded()); // "<think>" could still open reasoning
        parser.push("Yes");
        assertTrue(parser.reasoningEnded());
    }

    @Test
    void pushAfterFinishIsAProgrammingError() {
        ReasoningParser parser = ReasoningParser.startingInReasoning();
        parser.finish();
        assertThrows(IllegalStateException.class, () -> parser.push("x"));
        assertThrows(IllegalStateException.class, parser::finish);
    }

    @Test
    void theHeldBackTextStaysShorterThanTheMarker() {
        ReasoningParser parser = ReasoningParser.startingInReasoning();
        StringBuilder out = new StringBuilder();
        String text = "x".repeat(1000) + "</think";
        for (String piece : List.of(text.substring(0, 500), text.substring(500))) {
            out.append(parser.push(piece).reasoning());
        }
        assertEquals("x".repeat(1000), out.toString());
    }
}
