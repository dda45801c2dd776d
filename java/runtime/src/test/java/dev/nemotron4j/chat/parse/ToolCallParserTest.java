package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code <TOOLCALL>[…]</TOOLCALL>} → calls: fixed answers (one call, several, several blocks, malformed
 * and wrongly shaped blocks, unterminated blocks, unicode) give the expected content and calls in one
 * shot, and the same under every cutting from {@link Splits}. Ids are sequential so results compare.
 */
class ToolCallParserTest {
    static Stream<Arguments> answers() {
        return Stream.of(
                answer("one call after text",
                        "Let me check.\n\n<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]</TOOLCALL>",
                        "Let me check.", call(0, "get_weather", "{\"city\":\"Paris\"}")),
                answer("only a call",
                        "<TOOLCALL>[{\"name\": \"now\", \"arguments\": {}}]</TOOLCALL>\n", "", call(0, "now", "{}")),
                answer("two calls in one block",
                        "<TOOLCALL>[{\"name\": \"a\", \"arguments\": {\"x\": [1, 2, {\"y\": null}]}}, "
                                + "{\"name\": \"b\", \"arguments\": \"{\\\"z\\\": true}\"}]</TOOLCALL>",
                        "", call(0, "a", "{\"x\":[1,2,{\"y\":null}]}"), call(1, "b", "{\"z\": true}")),
                answer("two blocks with text around",
                        "First <TOOLCALL>[{\"name\": \"a\", \"arguments\": {}}]</TOOLCALL> then "
                                + "<TOOLCALL>[{\"name\": \"b\", \"arguments\": {\"k\": 1}}]</TOOLCALL> done.",
                        "First  then  done.", call(0, "a", "{}"), call(1, "b", "{\"k\":1}")),
                answer("malformed JSON is content",
                        "Try <TOOLCALL>[{\"name\": \"a\", \"arguments\": {]</TOOLCALL> after",
                        "Try <TOOLCALL>[{\"name\": \"a\", \"arguments\": {]</TOOLCALL> after"),
                answer("no name is content", "<TOOLCALL>[{\"arguments\": {}}]</TOOLCALL>",
                        "<TOOLCALL>[{\"arguments\": {}}]</TOOLCALL>"),
                answer("one bad entry spoils the block",
                        "<TOOLCALL>[{\"name\": \"a\"}, 7]</TOOLCALL>", "<TOOLCALL>[{\"name\": \"a\"}, 7]</TOOLCALL>"),
                answer("ids count good calls only",
                        "<TOOLCALL>[oops]</TOOLCALL>\n<TOOLCALL>[{\"name\": \"a\"}]</TOOLCALL>",
                        "<TOOLCALL>[oops]</TOOLCALL>", call(0, "a", "{}")),
                answer("unterminated valid block is parsed at the end",
                        "Calling.\n<TOOLCALL>[{\"name\": \"f\", \"arguments\": {\"q\": \"x\"}}]",
                        "Calling.", call(0, "f", "{\"q\":\"x\"}")),
                answer("unterminated broken block is content",
                        "Calling.\n<TOOLCALL>[{\"name\": \"f\", \"argu", "Calling.\n<TOOLCALL>[{\"name\": \"f\", \"argu"),
                answer("partial open tag at the end is content", "See <TOOL", "See <TOOL"),
                answer("a close tag alone is content", "a </TOOLCALL> b", "a </TOOLCALL> b"),
                answer("lowercase tag is content", "<toolcall>[]</toolcall>", "<toolcall>[]</toolcall>"),
                answer("empty array is no call and no content", "Hi <TOOLCALL>[]</TOOLCALL>", "Hi"),
                answer("empty block is content", "<TOOLCALL></TOOLCALL>", "<TOOLCALL></TOOLCALL>"),
                answer("lone object without brackets",
                        "<TOOLCALL>{\"name\": \"a\", \"arguments\": {\"n\": 2}}</TOOLCALL>", "", call(0, "a", "{\"n\":2}")),
                answer("unicode everywhere",
                        "天気を確認します 🌤️\n\n<TOOLCALL>[{\"name\": \"weather\", \"arguments\": {\"city\": \"東京 🗼\"}}]</TOOLCALL>\n\n了解 👍",
                        "天気を確認します 🌤️\n\n\n\n了解 👍", call(0, "weather", "{\"city\":\"東京 🗼\"}")),
                answer("plain text", "2 + 2 equals **4**.", "2 + 2 equals **4**."));
    }

    static Arguments answer(String name, String text, String content, ToolCall... calls) {
        return Arguments.of(name, text, new ToolCallSplit(content, List.of(calls)));
    }

    static ToolCall call(int index, String name, String arguments) {
        return new ToolCall("call_" + index, name, arguments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void oneShot(String name, String text, ToolCallSplit expected) {
        assertEquals(expected, new ToolCallParser(ToolCallIds.sequential()).pushAll(text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void everyCuttingGivesTheOneShotResult(String name, String text, ToolCallSplit expected) {
        for (Splits.Cut cut : Splits.of(text)) {
            assertEquals(expected, stream(new ToolCallParser(ToolCallIds.sequential()), cut),
                    name + ", cut " + cut.name() + ": " + cut.pieces());
        }
    }

    /** Pushes the pieces and finishes; checks each delta and that the deltas add up to the views. */
    static ToolCallSplit stream(ToolCallParser parser, Splits.Cut cut) {
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (String piece : cut.pieces()) {
            append(parser.push(piece), content, calls, cut);
        }
        append(parser.finish(), content, calls, cut);
        assertEquals(content.toString(), parser.content(), "content deltas vs view, cut " + cut.name());
        assertEquals(calls, parser.toolCalls(), "call deltas vs view, cut " + cut.name());
        return new ToolCallSplit(content.toString(), calls);
    }

    private static void append(ToolCallSplit delta, StringBuilder content, List<ToolCall> calls, Splits.Cut cut) {
        if (cut.codePointAligned()) {
            Splits.assertWellFormed(delta.content(), cut.name());
        }
        content.append(delta.content());
        calls.addAll(delta.toolCalls());
    }

    @Test
    void aCallIsEmittedWhenItsBlockCloses() {
        ToolCallParser parser = new ToolCallParser(ToolCallIds.sequential());
        assertEquals(new ToolCallSplit("Checking", List.of()), parser.push("Checking <TOOL"));
        assertEquals(ToolCallSplit.EMPTY, parser.push("CALL>[{\"name\": \"a\", "));
        assertEquals(ToolCallSplit.EMPTY, parser.push("\"arguments\": {}}]</TOOL"));
        assertEquals(new ToolCallSplit("", List.of(call(0, "a", "{}"))), parser.push("CALL>"));
        // the space before the block was held as trailing whitespace; text after the block releases it
        assertEquals(new ToolCallSplit("  more", List.of()), parser.push(" more"));
        assertEquals(ToolCallSplit.EMPTY, parser.finish());
    }

    @Test
    void randomIdsByDefault() {
        ToolCallSplit split = new ToolCallParser().pushAll("<TOOLCALL>[{\"name\": \"a\"}, {\"name\": \"b\"}]</TOOLCALL>");
        assertEquals(2, split.toolCalls().size());
        for (ToolCall call : split.toolCalls()) {
            assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
        }
        assertTrue(!split.toolCalls().get(0).id().equals(split.toolCalls().get(1).id()));
    }

    @Test
    void aLongBlockIsSearchedOnceNotRescanned() {
        // 200k one-char pushes inside one block: a rescan of the block per push would take minutes.
        ToolCallParser parser = new ToolCallParser(ToolCallIds.sequential());
        parser.push("<TOOLCALL>[{\"name\": \"a\", \"arguments\": {\"s\": \"");
        for (int i = 0; i < 200_000; i++) {
            parser.push("x");
        }
        ToolCallSplit end = parser.push("\"}}]</TOOLCALL>");
        assertEquals(1, end.toolCalls().size());
        assertEquals(200_000 + 8, end.toolCalls().get(0).arguments().length());
    }

    @Test
    void pushAfterFinishIsAProgrammingError() {
        ToolCallParser parser = new ToolCallParser();
        parser.finish();
        assertThrows(IllegalStateException.class, () -> parser.push("x"));
    }
}
