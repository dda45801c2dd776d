package dev.nemotron4j.chat.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A block's body → (name, arguments): the accepted shapes, argument serialization, and every refusal. */
class ToolCallJsonTest {
    static Optional<List<ToolCallJson.Parsed>> parse(String body) {
        return ToolCallJson.parse(body);
    }

    static Optional<List<ToolCallJson.Parsed>> calls(ToolCallJson.Parsed... calls) {
        return Optional.of(List.of(calls));
    }

    @Test
    void anObjectIsSerializedCompactly() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{\"a\":1,\"b\":[true,null,\"s\"],\"c\":{\"d\":\"e\"}}")),
                parse(" [ {\"name\" : \"f\", \"arguments\" : {\"a\": 1, \"b\": [true, null, \"s\"], \"c\": {\"d\": \"e\"}}} ] "));
    }

    @Test
    void numbersKeepTheirDigits() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{\"x\":0.10,\"y\":12345678901234567890123,\"z\":-1.5E+300}")),
                parse("[{\"name\": \"f\", \"arguments\": {\"x\": 0.10, \"y\": 12345678901234567890123, \"z\": -1.5e300}}]"));
    }

    @Test
    void nonAsciiIsWrittenAsIs() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{\"q\":\"Zürich 東京 🗼\",\"e\":\"\\\"\\n\"}")),
                parse("[{\"name\": \"f\", \"arguments\": {\"q\": \"Z\\u00fcrich 東京 🗼\", \"e\": \"\\\"\\n\"}}]"));
    }

    @Test
    void aStringArgumentIsKeptAsGiven() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{\"a\": 1}")),
                parse("[{\"name\": \"f\", \"arguments\": \"{\\\"a\\\": 1}\"}]"));
        assertEquals(calls(new ToolCallJson.Parsed("f", "tool_args1")),
                parse("[{\"name\": \"f\", \"arguments\": \"tool_args1\"}]"));
    }

    @Test
    void missingOrNullArgumentsAreAnEmptyObject() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{}"), new ToolCallJson.Parsed("g", "{}")),
                parse("[{\"name\": \"f\"}, {\"name\": \"g\", \"arguments\": null}]"));
    }

    @Test
    void otherArgumentValuesAreSerialized() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "[1,2]"), new ToolCallJson.Parsed("g", "3")),
                parse("[{\"name\": \"f\", \"arguments\": [1, 2]}, {\"name\": \"g\", \"arguments\": 3}]"));
    }

    @Test
    void extraKeysAreIgnored() {
        assertEquals(calls(new ToolCallJson.Parsed("f", "{}")),
                parse("[{\"name\": \"f\", \"arguments\": {}, \"id\": \"x\", \"type\": \"function\"}]"));
    }

    @Test
    void anEmptyArrayIsNoCalls() {
        assertEquals(Optional.of(List.of()), parse("[]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n", "[", "[{\"name\": \"f\"}", "[{\"name\": \"f\"}] trailing", "[{\"name\": \"f\"},]",
            "[{'name': 'f'}]", "null", "\"f\"", "42", "[null]", "[[]]", "[{}]", "[{\"name\": \"\"}]", "[{\"name\": \" \"}]",
            "[{\"name\": 1}]", "[{\"name\": [\"f\"]}]", "{\"function\": {\"name\": \"f\"}}",
            "[{\"name\": \"f\", \"arguments\": NaN}]"})
    void anythingElseIsRefused(String body) {
        assertTrue(parse(body).isEmpty(), body);
    }
}
