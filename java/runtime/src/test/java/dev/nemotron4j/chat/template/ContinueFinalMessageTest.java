package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.RepoPaths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** continue_final_message: transformers' tag-and-cut, on the Nemotron template and on simple ones. */
class ContinueFinalMessageTest {
    private static final ChatTemplate NEMOTRON = ChatTemplate.fromModelFolder(RepoPaths.model("nemotron-h-tiny-chat"));

    private static RenderRequest prefill(String content) {
        return RenderRequest.builder().message("user", "Write a haiku.").message("assistant", content)
                .continueFinalMessage(true).build();
    }

    @Test
    void cutsBeforeTheEndOfTurnTheTemplateAppends() {
        String full = NEMOTRON.render(prefill("Autumn moonlight—").toBuilder().continueFinalMessage(false).build());
        assertTrue(full.endsWith("<think>\nAutumn moonlight—\n<SPECIAL_12>\n"), full);
        assertEquals(full.substring(0, full.length() - "\n<SPECIAL_12>\n".length()), NEMOTRON.render(prefill("Autumn moonlight—")));
    }

    @Test
    void whitespaceTheTemplateStripsIsNotPutBack() {
        assertTrue(NEMOTRON.render(prefill("one, two, ")).endsWith("<think>\none, two,"));
        // a digit that also occurs in the end-of-turn token is still cut at the message, thanks to the tag
        assertTrue(NEMOTRON.render(prefill("1")).endsWith("<think>\n1"));
    }

    @Test
    void aTemplateThatKeepsSpacesKeepsThem() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}<{{ m.role }}>{{ m.content }}</{{ m.role }}>{% endfor %}");
        assertEquals("<user>Write a haiku.</user><assistant>Autumn ", t.render(prefill("Autumn ")));
    }

    @Test
    void continuesTheLastTextPartOfAPartsList() {
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{% for p in m.content %}[{{ p.text }}]{% endfor %}{% endfor %}");
        RenderRequest r = RenderRequest.builder()
                .message("assistant", List.of(Map.of("type", "text", "text", "a"), Map.of("type", "image"),
                        Map.of("type", "text", "text", "b"), Map.of("type", "image")))
                .continueFinalMessage(true).build();
        assertEquals("[a][][b", t.render(r));
    }

    @Test
    void refusesWhatCannotBeContinued() {
        assertThrows(InvalidRequestException.class, () -> RenderRequest.builder().message("assistant", "x")
                .continueFinalMessage(true).addGenerationPrompt(true).build());
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(
                RenderRequest.builder().message("user", "x").continueFinalMessage(true).build()));
        assertTrue(e.getMessage().contains("last message's role is 'user'"), e.getMessage());
        assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(
                RenderRequest.builder().message("assistant", null).continueFinalMessage(true).build()));
        assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(
                RenderRequest.builder().continueFinalMessage(true).build()));
        assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(RenderRequest.builder()
                .message("assistant", List.of(Map.of("type", "image"))).continueFinalMessage(true).build()));
        ChatTemplate dropsContent = ChatTemplate.of("{% for m in messages %}{{ m.content[:2] }}{% endfor %}");
        e = assertThrows(InvalidRequestException.class, () -> dropsContent.render(RenderRequest.builder()
                .message("assistant", "hello").continueFinalMessage(true).build()));
        assertTrue(e.getMessage().contains("does not appear"), e.getMessage());
    }
}
