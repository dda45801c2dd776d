package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nemotron4j.ToolCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The three parsers in the order package-info gives (stop strings → reasoning → tool calls), each holding
 * back its own suffix: a whole reply streamed under every cutting equals the one-shot chain.
 */
class ParsePipelineTest {
    static final String REPLY = "The user wants the weather in 東京 🗼. Call the tool.\n</think>\n\n"
            + "Let me check.\n\n<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"東京\"}}]</TOOLCALL>\n"
            + "<END> ignored after the stop";
    static final List<String> STOPS = List.of("<END>");

    record Reply(String reasoning, String content, List<ToolCall> toolCalls, String stop) {}

    static final Reply EXPECTED = new Reply("The user wants the weather in 東京 🗼. Call the tool.", "Let me check.",
            List.of(new ToolCall("call_0", "get_weather", "{\"city\":\"東京\"}")), "<END>");

    static Reply oneShot(String text) {
        StopResult stopped = new StopMatcher(STOPS).pushAll(text);
        ReasoningSplit split = ReasoningParser.startingInReasoning().pushAll(stopped.text());
        ToolCallSplit tools = new ToolCallParser(ToolCallIds.sequential()).pushAll(split.content());
        return new Reply(split.reasoning(), tools.content(), tools.toolCalls(), stopped.stop());
    }

    /** Feeds each stage's released text to the next, stopping at a stop string as the generation loop does. */
    static Reply streamed(List<String> pieces) {
        StopMatcher stops = new StopMatcher(STOPS);
        ReasoningParser reasoning = ReasoningParser.startingInReasoning();
        ToolCallParser tools = new ToolCallParser(ToolCallIds.sequential());
        StringBuilder reasoningText = new StringBuilder();
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (String piece : pieces) {
            StopResult released = stops.push(piece);
            ReasoningSplit split = reasoning.push(released.text());
            reasoningText.append(split.reasoning());
            collect(tools.push(split.content()), content, calls);
            if (released.stopped()) {
                break;
            }
        }
        StopResult end = stops.finish();
        ReasoningSplit split = reasoning.push(end.text());
        reasoningText.append(split.reasoning());
        collect(tools.push(split.content()), content, calls);
        split = reasoning.finish();
        reasoningText.append(split.reasoning());
        collect(tools.push(split.content()), content, calls);
        collect(tools.finish(), content, calls);
        return new Reply(reasoningText.toString(), content.toString(), calls, end.stop());
    }

    private static void collect(ToolCallSplit split, StringBuilder content, List<ToolCall> calls) {
        content.append(split.content());
        calls.addAll(split.toolCalls());
    }

    @Test
    void oneShotChain() {
        assertEquals(EXPECTED, oneShot(REPLY));
    }

    @Test
    void everyCuttingGivesTheOneShotChain() {
        for (Splits.Cut cut : Splits.of(REPLY)) {
            assertEquals(EXPECTED, streamed(cut.pieces()), "cut " + cut.name() + ": " + cut.pieces());
        }
    }
}
