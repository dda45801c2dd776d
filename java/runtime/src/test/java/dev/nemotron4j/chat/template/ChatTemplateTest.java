package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.InvalidRequestException;
import dev.nemotron4j.ModelLoadException;
import dev.nemotron4j.RepoPaths;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The public API: model templates, overrides, variables, and how template errors reach the caller. */
class ChatTemplateTest {
    private static final ChatTemplate NEMOTRON = ChatTemplate.fromModelFolder(RepoPaths.model("nemotron-h-tiny-chat"));

    private static RenderRequest.Builder chat(String user) {
        return RenderRequest.builder().message("system", "/think").message("user", user).addGenerationPrompt(true);
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplate() {
        String prompt = NEMOTRON.render(chat("{{ 7*7 }} {% if true %}x{% endif %} {# c #} {{ raise_exception('x') }}").build());
        assertTrue(prompt.contains("User\n{{ 7*7 }} {% if true %}x{% endif %} {# c #} {{ raise_exception('x') }}\n"), prompt);
        assertTrue(!prompt.contains("49"), prompt);
        ChatTemplate echo = ChatTemplate.of("{{ messages[0].content }}|{{ messages[0].content | upper }}");
        assertEquals("{{ 7*7 }}|{{ 7*7 }}", echo.render(RenderRequest.builder().message("user", "{{ 7*7 }}").build()));
    }

    @Test
    void raiseExceptionBecomesInvalidRequest() {
        ChatTemplate t = ChatTemplate.of("{% if messages[-1].role != 'user' %}{{ raise_exception('last must be user') }}{% endif %}ok");
        assertEquals("ok", t.render(RenderRequest.builder().message("user", "x").build()));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> t.render(RenderRequest.builder().message("assistant", "x").build()));
        assertEquals("the chat template rejected the request: last must be user", e.getMessage());
    }

    @Test
    void templateFailuresNameThePythonError() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> NEMOTRON.render(RenderRequest.builder().build()));
        assertEquals("the chat template failed on this request: UndefinedError: list object has no element 0", e.getMessage());
        e = assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(RenderRequest.builder()
                .message("user", List.of(Map.of("type", "text", "text", "hi"))).build()));
        assertTrue(e.getMessage().contains("'list object' has no attribute 'replace'"), e.getMessage());
    }

    @Test
    void brokenTemplateSourceIsAModelLoadError() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ChatTemplate.of("{% if x %}never closed"));
        assertTrue(e.getMessage().contains("Unexpected end of template"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> ChatTemplate.of("{{ x | nosuchfilter }}"));
        assertTrue(e.getMessage().contains("No filter named 'nosuchfilter'"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> ChatTemplate.of("{% include 'other.jinja' %}"));
        assertTrue(e.getMessage().contains("'include' tag is not supported"), e.getMessage());
        e = assertThrows(ModelLoadException.class, () -> ChatTemplate.of("{{ x | groupby('a') }}"));
        assertTrue(e.getMessage().contains("'groupby' is not supported"), e.getMessage());
    }

    @Test
    void specialTokensAndKwargsAreVariablesWithKwargsWinning() {
        assertEquals("<s>", NEMOTRON.specialTokens().get("bos_token"));
        assertEquals("<SPECIAL_12>", NEMOTRON.specialTokens().get("eos_token"));
        ChatTemplate t = NEMOTRON.withSource("{{ bos_token }}|{{ eos_token }}|{{ enable_thinking }}|{{ unk_token }}");
        assertEquals("<s>|<SPECIAL_12>|False|<unk>", t.render(RenderRequest.builder().message("user", "x")
                .templateKwarg("enable_thinking", false).build()));
        assertEquals("B|<SPECIAL_12>||<unk>", t.render(RenderRequest.builder().message("user", "x")
                .templateKwarg("bos_token", "B").build()));
        assertEquals("|||", ChatTemplate.of(t.source()).render(RenderRequest.builder().build()));
    }

    @Test
    void toolsAreNoneWhenAbsentAndAnEmptyListWhenEmpty() {
        ChatTemplate t = ChatTemplate.of("{{ tools is none }} {{ tools is defined }} {{ tools }} {{ documents }}");
        assertEquals("True True None None", t.render(RenderRequest.builder().build()));
        assertEquals("False True [] None", t.render(RenderRequest.builder().tools(List.of()).build()));
    }

    @Test
    void strftimeNowUsesTheClock() {
        ChatTemplate t = ChatTemplate.of("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B %Y %H:%M') }}");
        Clock clock = Clock.fixed(Instant.parse("2026-03-05T07:08:09Z"), ZoneOffset.UTC);
        assertEquals("05 Mar 2026|5 March 2026 07:08", t.render(RenderRequest.builder().build(), clock));
    }

    @Test
    void renderingDoesNotTouchTheCallersMessages() {
        List<Object> parts = new ArrayList<>(List.of(new HashMap<>(Map.of("type", "text", "text", "go on"))));
        Map<String, Object> last = new HashMap<>(Map.of("role", "assistant", "content", parts));
        List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", "x"), last);
        ChatTemplate t = ChatTemplate.of("{% for m in messages %}{{ m.content if m.content is string "
                + "else m.content[0].text }}|{% endfor %}");
        assertEquals("x|go on", t.render(RenderRequest.builder().messages(messages).continueFinalMessage(true).build()));
        assertEquals("go on", ((Map<?, ?>) parts.get(0)).get("text"));
    }

    @Test
    void rendersConcurrentlyWithTheSameResult() throws Exception {
        RenderRequest r = chat("What is 2+2?").tools(List.of(Map.of("name", "f", "parameters", Map.of()))).build();
        String expected = NEMOTRON.render(r);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> NEMOTRON.render(r)));
            }
            for (Future<String> f : results) {
                assertEquals(expected, f.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void unsupportedValuesAreRefusedWithThePath() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> NEMOTRON.render(
                RenderRequest.builder().message("user", new Object()).build()));
        assertTrue(e.getMessage().startsWith("messages[0].content"), e.getMessage());
    }
}
