package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code /v1/completions} bodies: the prompt shapes vLLM takes, and a 400 naming the field for each bad one. */
class CompletionRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CompletionRequest parse(String json) throws Exception {
        return CompletionRequest.parse(JSON.readTree(json), Generation.builder());
    }

    @Test
    void promptShapes() throws Exception {
        assertEquals("hi", parse("{\"prompt\":\"hi\"}").text());
        assertEquals("hi", parse("{\"prompt\":[\"hi\"]}").text());
        assertArrayEquals(new int[] {1, 2, 3}, parse("{\"prompt\":[1,2,3]}").tokens());
        assertArrayEquals(new int[] {4}, parse("{\"prompt\":[[4]]}").tokens());
        assertNull(parse("{\"prompt\":[1]}").text());
    }

    @Test
    void samplingAndStreamFields() throws Exception {
        CompletionRequest r = parse("{\"prompt\":\"x\",\"temperature\":0,\"max_tokens\":7,\"top_k\":-1,\"seed\":3,"
                + "\"stop\":[\"a\"],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"echo\":false}");
        assertEquals(0, r.generation().temperature());
        assertEquals(7, r.generation().maxTokens());
        assertEquals(java.util.List.of("a"), r.generation().stop());
        assertTrue(r.stream() && r.includeUsage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|prompt",
        "{\"prompt\":\"\"}|prompt",
        "{\"prompt\":[]}|prompt",
        "{\"prompt\":[\"a\",\"b\"]}|prompt",
        "{\"prompt\":[1,-2]}|prompt",
        "{\"prompt\":[1,\"x\"]}|prompt",
        "{\"prompt\":7}|prompt",
        "{\"prompt\":\"x\",\"echo\":true}|echo",
        "{\"prompt\":\"x\",\"suffix\":\"y\"}|suffix",
        "{\"prompt\":\"x\",\"n\":2}|n",
        "{\"prompt\":\"x\",\"best_of\":3}|best_of",
        "{\"prompt\":\"x\",\"logprobs\":2}|logprobs",
        "{\"prompt\":\"x\",\"temperature\":-1}|temperature",
        "{\"prompt\":\"x\",\"temperature\":\"hot\"}|temperature",
        "{\"prompt\":\"x\",\"top_p\":0}|top_p",
        "{\"prompt\":\"x\",\"top_p\":1.5}|top_p",
        "{\"prompt\":\"x\",\"top_k\":-2}|top_k",
        "{\"prompt\":\"x\",\"max_tokens\":0}|max_tokens",
        "{\"prompt\":\"x\",\"max_tokens\":1.5}|max_tokens",
        "{\"prompt\":\"x\",\"seed\":\"s\"}|seed",
        "{\"prompt\":\"x\",\"stop\":[\"\"]}|stop",
        "{\"prompt\":\"x\",\"stop\":3}|stop",
        "{\"prompt\":\"x\",\"stream\":\"yes\"}|stream",
        "{\"prompt\":\"x\",\"stream_options\":{\"include_usage\":1}}|include_usage",
        "{\"prompt\":\"x\",\"model\":3}|model",
    })
    void badFieldsNameTheirParam(String body, String param) {
        ApiException e = assertThrows(ApiException.class, () -> parse(body));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
    }
}
