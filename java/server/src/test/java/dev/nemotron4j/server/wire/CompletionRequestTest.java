package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/completions} bodies: the prompt shapes vLLM takes (several prompts too), n / best_of, logprobs
 * and echo, and a 400 naming the field for each bad one.
 */
class CompletionRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static CompletionRequest parse(String json) throws Exception {
        return CompletionRequest.parse(JSON.readTree(json), Generation.builder());
    }

    @Test
    void promptShapes() throws Exception {
        assertEquals("hi", parse("{\"prompt\":\"hi\"}").prompts().get(0).text());
        assertEquals("hi", parse("{\"prompt\":[\"hi\"]}").prompts().get(0).text());
        assertArrayEquals(new int[] {1, 2, 3}, parse("{\"prompt\":[1,2,3]}").prompts().get(0).tokens());
        assertArrayEquals(new int[] {4}, parse("{\"prompt\":[[4]]}").prompts().get(0).tokens());
        assertNull(parse("{\"prompt\":[1]}").prompts().get(0).text());
        assertEquals(1, parse("{\"prompt\":[1,2,3]}").prompts().size(), "a list of ids is one prompt");
    }

    @Test
    void severalPromptsInRequestOrder() throws Exception {
        CompletionRequest texts = parse("{\"prompt\":[\"a\",\"b\",\"c\"]}");
        assertEquals(List.of("a", "b", "c"), texts.prompts().stream().map(CompletionRequest.Prompt::text).toList());
        CompletionRequest ids = parse("{\"prompt\":[[1,2],[3]]}");
        assertEquals(2, ids.prompts().size());
        assertArrayEquals(new int[] {3}, ids.prompts().get(1).tokens());
        assertEquals("[3]", ids.prompts().get(1).text(Arrays::toString), "echo decodes the ids");
        assertArrayEquals(new int[] {7}, texts.prompts().get(0).tokens(text -> new int[] {7}));
    }

    @Test
    void samplesLogprobsAndEcho() throws Exception {
        CompletionRequest plain = parse("{\"prompt\":\"x\"}");
        assertEquals(1, plain.n());
        assertEquals(-1, plain.logprobs());
        assertEquals(0, plain.generation().logprobs());
        assertFalse(plain.echo());
        CompletionRequest r = parse("{\"prompt\":\"x\",\"n\":4,\"best_of\":4,\"logprobs\":3}");
        assertEquals(4, r.n());
        assertEquals(3, r.logprobs());
        assertEquals(3, r.generation().logprobs());
        CompletionRequest zero = parse("{\"prompt\":\"x\",\"logprobs\":0}");
        assertEquals(0, zero.logprobs());
        assertEquals(1, zero.generation().logprobs(), "the drawn token's logprob still needs the runtime's");
        assertTrue(parse("{\"prompt\":\"x\",\"echo\":true}").echo());
        CompletionRequest bound = parse("{\"prompt\":[" + "\"a\",".repeat(63) + "\"a\"],\"n\":2}");
        assertEquals(64 * 2, bound.prompts().size() * bound.n(), "128 choices in all is the bound");
    }

    @Test
    void samplingAndStreamFields() throws Exception {
        CompletionRequest r = parse("{\"prompt\":\"x\",\"temperature\":0,\"max_tokens\":7,\"top_k\":-1,\"seed\":3,"
                + "\"stop\":[\"a\"],\"stream\":true,\"stream_options\":{\"include_usage\":true},\"echo\":false}");
        assertEquals(0, r.generation().temperature());
        assertEquals(7, r.generation().maxTokens());
        assertEquals(List.of("a"), r.generation().stop());
        assertTrue(r.stream() && r.includeUsage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|prompt",
        "{\"prompt\":\"\"}|prompt",
        "{\"prompt\":[]}|prompt",
        "{\"prompt\":[\"a\",[1]]}|prompt",
        "{\"prompt\":[[1],\"a\"]}|prompt",
        "{\"prompt\":[[]]}|prompt",
        "{\"prompt\":[\"\"]}|prompt",
        "{\"prompt\":[true]}|prompt",
        "{\"prompt\":[1,-2]}|prompt",
        "{\"prompt\":[1,\"x\"]}|prompt",
        "{\"prompt\":7}|prompt",
        "{\"prompt\":\"x\",\"echo\":true,\"logprobs\":1}|echo",
        "{\"prompt\":\"x\",\"echo\":\"yes\"}|echo",
        "{\"prompt\":\"x\",\"suffix\":\"y\"}|suffix",
        "{\"prompt\":\"x\",\"prompt_logprobs\":1}|prompt_logprobs",
        "{\"prompt\":\"x\",\"n\":0}|n",
        "{\"prompt\":\"x\",\"n\":129}|n",
        "{\"prompt\":\"x\",\"best_of\":3}|best_of",
        "{\"prompt\":\"x\",\"n\":2,\"best_of\":1}|best_of",
        "{\"prompt\":[\"a\",\"b\"],\"n\":65}|n",
        "{\"prompt\":\"x\",\"logprobs\":21}|logprobs",
        "{\"prompt\":\"x\",\"logprobs\":-1}|logprobs",
        "{\"prompt\":\"x\",\"logprobs\":true}|logprobs",
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

    @Test
    void tooManyPromptsNameThePromptWhenNIsOne() throws Exception {
        String prompts = "[" + "\"a\",".repeat(128) + "\"a\"]";
        ApiException e = assertThrows(ApiException.class, () -> parse("{\"prompt\":" + prompts + "}"));
        assertEquals("prompt", e.param());
    }
}
