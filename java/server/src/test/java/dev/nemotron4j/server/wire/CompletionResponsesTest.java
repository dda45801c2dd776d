package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.Usage;
import dev.nemotron4j.generation.SampledToken;
import dev.nemotron4j.generation.SampledToken.TopLogprob;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shapes of {@code text_completion}: choices with their index, and the legacy logprobs as vLLM writes them. */
class CompletionResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Usage USAGE = new Usage(5, 7, 0, 2, 0);
    private static final Map<Integer, String> TEXTS = Map.of(1, "a", 2, " bc", 3, "\uD83D\uDE00", 4, "d");
    private final CompletionResponses responses = new CompletionResponses(JSON, "cmpl-1", 1, "m");

    private static SampledToken token(int id, float logprob, TopLogprob... top) {
        return new SampledToken(id, logprob, List.of(top));
    }

    @Test
    void choicesKeepTheirIndexAndTheUsageIsTheRequests() {
        JsonNode root = responses.completion(List.of(responses.choice(0, "x", null, "stop"),
                responses.choice(1, "y", null, "length")), USAGE);
        assertEquals("text_completion", root.get("object").asText());
        assertEquals(1, root.get("choices").get(1).get("index").asInt());
        assertEquals("y", root.get("choices").get(1).get("text").asText());
        assertTrue(root.get("choices").get(0).get("logprobs").isNull());
        assertEquals(12, root.get("usage").get("total_tokens").asInt());
        assertEquals(2, root.get("usage").get("prompt_tokens_details").get("cached_tokens").asInt());

        JsonNode chunk = responses.chunk(3, "piece", null, null).get("choices");
        assertEquals(1, chunk.size());
        assertEquals(3, chunk.get(0).get("index").asInt());
        assertTrue(chunk.get(0).get("finish_reason").isNull());
    }

    @Test
    void logprobsHaveTheLegacyShape() {
        List<SampledToken> tokens = List.of(
                token(1, -0.25f, new TopLogprob(1, -0.25f), new TopLogprob(2, -2f)),
                token(2, -3f, new TopLogprob(4, -0.5f), new TopLogprob(1, -1f)),
                token(3, Float.NEGATIVE_INFINITY, new TopLogprob(3, -0.1f)),
                token(4, -1f));
        JsonNode lp = responses.logprobs(tokens, 2, TEXTS::get);
        assertEquals(List.of("a", " bc", "\uD83D\uDE00", "d"), strings(lp.get("tokens")));
        // Offsets count code points, as Python's len: the emoji is one.
        assertEquals(List.of(0, 1, 4, 5), ints(lp.get("text_offset")));
        assertEquals(-0.25, lp.get("token_logprobs").get(0).asDouble());
        assertEquals(-9999, lp.get("token_logprobs").get(2).asDouble(), "-inf is not JSON");

        JsonNode top = lp.get("top_logprobs");
        assertEquals(List.of("a", " bc"), fieldNames(top.get(0)), "the drawn token is among the top: k entries");
        assertEquals(List.of(" bc", "d", "a"), fieldNames(top.get(1)), "drawn first, then the k most likely");
        assertEquals(-0.5, top.get(1).get("d").asDouble());
        assertEquals(-0.1, top.get(2).get("\uD83D\uDE00").asDouble(), 1e-6, "one text keeps one entry");
        assertEquals(List.of("d"), fieldNames(top.get(3)));
    }

    @Test
    void logprobsZeroStillGiveTheDrawnToken() {
        JsonNode lp = responses.logprobs(List.of(token(2, -1.5f, new TopLogprob(1, -0.5f))), 0, TEXTS::get);
        assertEquals(List.of(" bc"), fieldNames(lp.get("top_logprobs").get(0)));
        assertEquals(-1.5, lp.get("token_logprobs").get(0).asDouble());
    }

    private static List<String> strings(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    private static List<Integer> ints(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, Integer.class));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
