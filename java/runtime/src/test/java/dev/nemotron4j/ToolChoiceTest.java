package dev.nemotron4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tool choices and their check against a session's tools. */
class ToolChoiceTest {
    private static final Map<String, Object> ADD = Map.of("type", "function", "function", Map.of("name", "add"));

    @Test
    void autoIsTheDefaultAndOnlyRequiredAndFunctionsAreForced() {
        assertEquals(ToolChoice.AUTO, ChatOptions.defaults().toolChoice());
        assertFalse(ToolChoice.AUTO.forced());
        assertFalse(ToolChoice.NONE.forced());
        assertTrue(ToolChoice.REQUIRED.forced());
        assertTrue(ToolChoice.function("add").forced());
        ChatOptions options = ChatOptions.builder().tools(List.of(ADD)).toolChoice(ToolChoice.function("add")).build();
        assertEquals(options, options.toBuilder().build());
    }

    @Test
    void choicesThatDoNotFitTheToolsAreRefused() {
        assertThrows(InvalidRequestException.class,
                () -> ChatOptions.builder().toolChoice(ToolChoice.REQUIRED).build());
        assertThrows(InvalidRequestException.class,
                () -> ChatOptions.builder().tools(List.of(ADD)).toolChoice(ToolChoice.function("mul")).build());
        List<Map<String, Object>> unnamed = List.of(Map.of("type", "function"));
        assertThrows(InvalidRequestException.class,
                () -> ChatOptions.builder().tools(unnamed).toolChoice(ToolChoice.REQUIRED).build(),
                "a forced choice needs every tool's name");
        for (String bad : List.of("say \"hi\"", "wetter_für_morgen", "a".repeat(65), "back\\slash")) {
            List<Map<String, Object>> odd = List.of(Map.of("type", "function", "function", Map.of("name", bad)));
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> ChatOptions.builder().tools(odd).toolChoice(ToolChoice.REQUIRED).build(), bad);
            assertTrue(e.getMessage().contains("1 to 64"), e.getMessage());
            ChatOptions.builder().tools(odd).toolChoice(ToolChoice.AUTO).build();  // the model may still call it
        }
        ChatOptions.builder().tools(List.of(Map.of("type", "function", "function", Map.of("name", "weather.get:v2-x"))))
                .toolChoice(ToolChoice.function("weather.get:v2-x")).build();
        assertThrows(InvalidRequestException.class, () -> ToolChoice.function(" "));
        assertThrows(InvalidRequestException.class, () -> new ToolChoice(ToolChoice.Kind.AUTO, "add"));
    }

    @Test
    void noneAndAutoNeedNoTools() {
        ChatOptions.builder().toolChoice(ToolChoice.NONE).build();
        ChatOptions.builder().tools(List.of(Map.of("type", "function"))).toolChoice(ToolChoice.AUTO).build();
    }
}
