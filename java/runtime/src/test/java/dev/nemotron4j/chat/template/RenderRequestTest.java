package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenderRequestTest {
    @Test
    void isAnImmutableCopy() {
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(new HashMap<>(Map.of("role", "user", "content", "hi")));
        RenderRequest r = RenderRequest.builder().messages(messages).templateKwarg("enable_thinking", true).build();
        messages.get(0).put("content", "changed");
        messages.add(Map.of("role", "user", "content", "more"));
        assertEquals(1, r.messages().size());
        assertEquals("hi", r.messages().get(0).get("content"));
        assertThrows(UnsupportedOperationException.class, () -> r.messages().add(Map.of()));
        assertThrows(UnsupportedOperationException.class, () -> r.templateKwargs().put("x", 1));
        assertNull(r.tools());
    }

    @Test
    void toBuilderRoundTrips() {
        RenderRequest r = RenderRequest.builder().message("user", "a").tools(List.of(Map.of("name", "f")))
                .addGenerationPrompt(true).templateKwarg("k", 1).build();
        assertEquals(r, r.toBuilder().build());
        assertTrue(r.toBuilder().addGenerationPrompt(false).continueFinalMessage(true).build().continueFinalMessage());
    }

    @Test
    void validationNamesTheField() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RenderRequest.builder().templateKwarg("messages", List.of()).build());
        assertTrue(e.getMessage().contains("'messages'"), e.getMessage());
        e = assertThrows(InvalidRequestException.class, () -> new RenderRequest(null, null, false, false, null));
        assertTrue(e.getMessage().startsWith("messages"), e.getMessage());
        List<Map<String, Object>> withNull = new ArrayList<>();
        withNull.add(null);
        e = assertThrows(InvalidRequestException.class, () -> RenderRequest.builder().messages(withNull).build());
        assertTrue(e.getMessage().startsWith("messages[0]"), e.getMessage());
    }
}
