package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stop strings: fixed outputs give the expected truncation and match in one shot, and the same under every
 * cutting from {@link Splits}, with no stop string (or part of one) ever released.
 */
class StopMatcherTest {
    static Stream<Arguments> outputs() {
        return Stream.of(
                output("one stop", "Hello world.\n\nMore text", List.of("\n\n"), "Hello world.", "\n\n"),
                output("no match", "Hello world.", List.of("STOP", "\n\n"), "Hello world.", null),
                output("partial stop at the end is text", "Hello ST", List.of("STOP"), "Hello ST", null),
                output("stop at the start", "STOP here", List.of("STOP"), "", "STOP"),
                output("whole output is the stop", "STOP", List.of("STOP"), "", "STOP"),
                output("no stop strings", "Anything </think> at all", List.of(), "Anything </think> at all", null),
                output("overlapping self-prefix", "xaaab tail", List.of("aab"), "xa", "aab"),
                output("the stop that completes first wins", "xabcd", List.of("abcd", "bc"), "xa", "bc"),
                output("same end: the longer wins", "xabc", List.of("bc", "abc"), "x", "abc"),
                output("earliest of several", "one END two STOP", List.of("STOP", "END"), "one ", "END"),
                output("second occurrence after a false start", "a</th b </think> c", List.of("</think>"), "a</th b ", "</think>"),
                output("duplicates are one", "a--b", List.of("--", "--"), "a", "--"),
                output("unicode stop", "答案是 4 👋 再见", List.of("👋"), "答案是 4 ", "👋"),
                output("unicode around a stop", "思考 🤔 停止 🤔", List.of("停止", "🤔 停"), "思考 ", "🤔 停"),
                output("a stop inside reasoning", "So the answer\n</think>\n\n4", List.of("answer"), "So the ", "answer"));
    }

    static Arguments output(String name, String text, List<String> stops, String released, String stop) {
        return Arguments.of(name, text, stops, new StopResult(released, stop));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void oneShot(String name, String text, List<String> stops, StopResult expected) {
        assertEquals(expected, new StopMatcher(stops).pushAll(text));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("outputs")
    void everyCuttingGivesTheOneShotResult(String name, String text, List<String> stops, StopResult expected) {
        for (Splits.Cut cut : Splits.of(text)) {
            assertEquals(expected, stream(new StopMatcher(stops), cut), name + ", cut " + cut.name() + ": " + cut.pieces());
        }
    }

    /**
     * Pushes pieces until a stop (as a caller would) and finishes. Every released prefix of the output must
     * be a prefix of the one-shot result: nothing released is ever withdrawn.
     */
    static StopResult stream(StopMatcher matcher, Splits.Cut cut) {
        StringBuilder released = new StringBuilder();
        String stop = null;
        for (String piece : cut.pieces()) {
            StopResult r = matcher.push(piece);
            if (cut.codePointAligned()) {
                Splits.assertWellFormed(r.text(), cut.name());
            }
            released.append(r.text());
            if (r.stopped()) {
                stop = r.stop();
                break;
            }
        }
        StopResult last = matcher.finish();
        assertEquals(stop, last.stop(), "finish reports the match, cut " + cut.name());
        released.append(last.text());
        return new StopResult(released.toString(), last.stop());
    }

    @Test
    void aStopSplitAcrossDeltasIsNeverReleased() {
        StopMatcher matcher = new StopMatcher(List.of("</answer>"));
        assertEquals(new StopResult("4 ", null), matcher.push("4 </ans"));
        assertEquals(new StopResult("", null), matcher.push("wer"));
        assertEquals(new StopResult("", "</answer>"), matcher.push("> and more"));
        assertTrue(matcher.stopped());
    }

    @Test
    void aFalseStartIsReleasedWhenDecided() {
        StopMatcher matcher = new StopMatcher(List.of("STOP"));
        assertEquals(new StopResult("a", null), matcher.push("aST"));
        assertEquals(new StopResult("STaRT", null), matcher.push("aRT"));
    }

    @Test
    void afterAStopEverythingIsDiscarded() {
        StopMatcher matcher = new StopMatcher(List.of("\n"));
        assertEquals(new StopResult("a", "\n"), matcher.push("a\nb"));
        assertEquals(new StopResult("", "\n"), matcher.push("more"));
        assertEquals(new StopResult("", "\n"), matcher.finish());
    }

    @Test
    void theHeldBackTextIsShorterThanTheLongestStop() {
        StopMatcher matcher = new StopMatcher(List.of("xyz", "abcdef"));
        assertEquals(new StopResult("0123456789", null), matcher.push("0123456789abcde"));
        assertEquals(new StopResult("abcdeX", null), matcher.push("Xxy"));
        assertFalse(matcher.stopped());
        assertEquals(new StopResult("xy", null), matcher.finish());
    }

    @Test
    void manyStopsOverALongStreamStayLinear() {
        // 200k one-char pushes against 50 stops: a rescan of the output per push would take minutes.
        List<String> stops = IntStream.range(0, 50).mapToObj(i -> "stop-" + i + "!").toList();
        StopMatcher matcher = new StopMatcher(stops);
        StringBuilder released = new StringBuilder();
        for (int i = 0; i < 200_000; i++) {
            released.append(matcher.push(i % 7 == 0 ? "s" : "t").text());
        }
        StopResult hit = matcher.push("stop-49!");
        released.append(hit.text());
        assertEquals("stop-49!", hit.stop());
        assertEquals(200_000, released.length());
    }

    @Test
    void emptyOrNullStopStringsAreRefusedByIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StopMatcher(List.of("a", "")));
        assertEquals("stop strings: empty string at index 1", e.getMessage());
        NullPointerException n = assertThrows(NullPointerException.class,
                () -> new StopMatcher(Arrays.asList("a", null)));
        assertEquals("stop strings: null at index 1", n.getMessage());
    }

    @Test
    void pushAfterFinishIsAProgrammingError() {
        StopMatcher matcher = new StopMatcher(List.of("x"));
        matcher.finish();
        assertThrows(IllegalStateException.class, () -> matcher.push("a"));
    }
}
