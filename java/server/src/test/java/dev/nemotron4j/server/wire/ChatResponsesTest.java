package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.ToolCall;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shapes of {@code chat.completion} and its chunks: reasoning fields, tool calls, logprobs, usage. */
class ChatResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Usage USAGE = new Usage(10, 6, 4, 2, 0);
    private final ChatResponses responses = new ChatResponses(JSON, "chatcmpl-1", 1, "m");

    /** A one-choice chat.completion. */
    private JsonNode completion(String content, String reasoning, List<ToolCall> calls, JsonNode logprobs,
            String finish) {
        return responses.completion(List.of(responses.choice(0, content, reasoning, calls, logprobs, finish)), USAGE);
    }

    @Test
    void everyChoiceAndChunkCarriesItsIndex() {
        JsonNode root = responses.completion(List.of(responses.choice(0, "a", null, List.of(), null, "stop"),
                responses.choice(1, "b", null, List.of(), null, "length")), USAGE);
        assertEquals(2, root.get("choices").size());
        assertEquals(1, root.get("choices").get(1).get("index").asInt());
        assertEquals("b", root.get("choices").get(1).get("message").get("content").asText());
        assertEquals(6, root.get("usage").get("completion_tokens").asInt());
        JsonNode chunk = responses.chunk(2, "assistant", "", null).get("choices").get(0);
        assertEquals(2, chunk.get("index").asInt());
        assertEquals("assistant", chunk.get("delta").get("role").asText());
        JsonNode last = responses.chunk(3, responses.delta("", "x", List.of(), 0), null, "stop").get("choices").get(0);
        assertEquals(3, last.get("index").asInt());
        assertEquals("stop", last.get("finish_reason").asText());
    }

    @Test
    void withoutAParserThereAreNoReasoningFields() {
        JsonNode message = completion("all", null, List.of(), null, "stop")
                .get("choices").get(0).get("message");
        assertEquals("all", message.get("content").asText());
        assertFalse(message.has("reasoning_content"));
        assertFalse(message.has("reasoning"));
        assertFalse(message.has("tool_calls"));
    }

    @Test
    void aParserReturnsTheReasoningUnderBothNames() {
        JsonNode root = completion("4", "2+2", List.of(), null, "stop");
        JsonNode message = root.get("choices").get(0).get("message");
        assertEquals("4", message.get("content").asText());
        assertEquals("2+2", message.get("reasoning_content").asText());
        assertEquals("2+2", message.get("reasoning").asText());
        assertTrue(root.get("choices").get(0).get("logprobs").isNull());
        JsonNode usage = root.get("usage");
        assertEquals(4, usage.get("completion_tokens_details").get("reasoning_tokens").asInt());
        assertEquals(2, usage.get("prompt_tokens_details").get("cached_tokens").asInt());

        JsonNode empty = completion("4", "", List.of(), null, "stop")
                .get("choices").get(0).get("message");
        assertTrue(empty.get("reasoning_content").isNull());
    }

    @Test
    void toolCallsAreOpenAiShapedWithNullContent() {
        ToolCall call = new ToolCall("call_a", "add", "{\"x\":1}");
        JsonNode message = completion("", null, List.of(call), null, "tool_calls")
                .get("choices").get(0).get("message");
        assertTrue(message.get("content").isNull());
        JsonNode wire = message.get("tool_calls").get(0);
        assertEquals("call_a", wire.get("id").asText());
        assertEquals("function", wire.get("type").asText());
        assertEquals("add", wire.get("function").get("name").asText());
        assertEquals("{\"x\":1}", wire.get("function").get("arguments").asText());
        assertFalse(wire.has("index"));

        JsonNode delta = responses.delta("", "", List.of(call, call), 3);
        assertEquals(3, delta.get("tool_calls").get(0).get("index").asInt());
        assertEquals(4, delta.get("tool_calls").get(1).get("index").asInt());
        assertFalse(delta.has("content"));
    }

    @Test
    void streamedDeltasCarryOnlyWhatIsNew() {
        JsonNode delta = responses.delta("think", "", List.of(), 0);
        assertEquals("think", delta.get("reasoning_content").asText());
        assertEquals("think", delta.get("reasoning").asText());
        assertFalse(delta.has("content"));
        assertTrue(responses.delta("", "", List.of(), 0).isEmpty());
    }

    @Test
    void logprobsHaveTheChatShape() {
        var tokens = List.of(new SampledToken(1, -0.5f, List.of(new SampledToken.TopLogprob(1, -0.5f),
                new SampledToken.TopLogprob(2, -1.5f))), new SampledToken(2, Float.NEGATIVE_INFINITY, List.of()));
        JsonNode content = responses.logprobs(tokens, 1, id -> id == 1 ? "é" : "b").get("content");
        assertEquals(2, content.size());
        JsonNode first = content.get(0);
        assertEquals("é", first.get("token").asText());
        assertEquals(-0.5, first.get("logprob").asDouble());
        assertEquals(List.of(0xc3, 0xa9), List.of(first.get("bytes").get(0).asInt(), first.get("bytes").get(1).asInt()));
        assertEquals(1, first.get("top_logprobs").size(), "trimmed to top_logprobs");
        assertEquals("é", first.get("top_logprobs").get(0).get("token").asText());
        assertEquals(-9999, content.get(1).get("logprob").asDouble(), "-inf is not JSON");
        assertEquals(0, content.get(1).get("top_logprobs").size());
    }
}
