package dev.nemotron4j.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.Generation;
import dev.nemotron4j.server.errors.ApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code /v1/chat/completions} bodies: a 400 naming the field for each bad one. */
class ChatRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MSG = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @Test
    void readsMessagesAndSampling() throws Exception {
        ChatRequest r = ChatRequest.parse(JSON.readTree("{" + MSG + ",\"temperature\":0.5,\"max_tokens\":9}"),
                Generation.builder());
        assertEquals("hi", r.messages().get(0).get("content"));
        assertEquals(0.5, r.generation().temperature());
        assertEquals(9, r.generation().maxTokens());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|messages",
        "{\"messages\":[]}|messages",
        "{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}|messages",
        "{\"messages\":[{\"role\":\"user\",\"content\":3}]}|messages",
        "{MSG,\"tools\":[{\"type\":\"function\"}]}|tools",
        "{MSG,\"n\":2}|n",
        "{MSG,\"logprobs\":true}|logprobs",
        "{MSG,\"temperature\":-1}|temperature",
        "{MSG,\"top_p\":2}|top_p",
        "{MSG,\"top_k\":-5}|top_k",
        "{MSG,\"max_tokens\":0}|max_tokens",
        "{MSG,\"max_completion_tokens\":\"many\"}|max_completion_tokens",
        "{MSG,\"seed\":1.5}|seed",
        "{MSG,\"stop\":\"\"}|stop",
        "{MSG,\"stream\":1}|stream",
        "{MSG,\"stream_options\":[]}|stream_options",
        "{MSG,\"model\":false}|model",
    })
    void badFieldsNameTheirParam(String body, String param) {
        ApiException e = assertThrows(ApiException.class,
                () -> ChatRequest.parse(JSON.readTree(body.replace("MSG", MSG)), Generation.builder()));
        assertEquals(400, e.status());
        assertEquals(param, e.param(), e.getMessage());
    }
}
