package dev.nemotron4j.chat.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nemotron4j.ModelLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render-case file format and what a mismatch report says. */
class RenderCasesTest {
    private static final ChatTemplate ECHO = ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}");

    @TempDir
    Path dir;

    private List<RenderCases.Case> cases(String json) throws IOException {
        Path file = dir.resolve("cases.json");
        Files.writeString(file, json);
        return RenderCases.read(file);
    }

    @Test
    void matchesAndPointsAtTheFirstDifference() throws IOException {
        List<RenderCases.Case> cs = cases("{\"cases\": [{\"name\": \"ok\", \"messages\": [{\"role\": \"user\", \"content\": \"abc\"}],"
                + " \"add_generation_prompt\": true, \"expected\": \"abc\"},"
                + " {\"name\": \"bad\", \"messages\": [{\"role\": \"user\", \"content\": \"abXd\"}], \"expected\": \"abcd\"},"
                + " {\"name\": \"own\", \"template\": \"[{{ kw }}]\", \"kwargs\": {\"kw\": 1}, \"messages\": [], \"expected\": \"[1]\"},"
                + " {\"name\": \"raises\", \"template\": \"{{ raise_exception('no') }}\", \"messages\": [], \"error\": \"TemplateError: no\"},"
                + " {\"name\": \"should_raise\", \"messages\": [], \"error\": \"TemplateError: x\"}]}");
        assertTrue(cs.get(0).request().addGenerationPrompt());
        assertTrue(RenderCases.check(ECHO, cs.get(0)).match());
        RenderCases.Result bad = RenderCases.check(ECHO, cs.get(1));
        assertFalse(bad.match());
        assertEquals(2, bad.firstDifference());
        assertEquals("abcd", bad.expectedExcerpt());
        assertEquals("abXd", bad.actualExcerpt());
        assertTrue(RenderCases.check(ECHO, cs.get(2)).match());
        RenderCases.Result raises = RenderCases.check(ECHO, cs.get(3));
        assertTrue(raises.match());
        assertTrue(raises.error().contains("no"));
        assertFalse(RenderCases.check(ECHO, cs.get(4)).match());
    }

    @Test
    void malformedFilesAreModelLoadErrors() {
        assertThrows(ModelLoadException.class, () -> cases("{\"renderer\": \"x\"}"));
        assertThrows(ModelLoadException.class, () -> cases("{\"cases\": [{\"name\": \"n\", \"messages\": []}]}"));
        assertThrows(ModelLoadException.class, () -> cases("{\"cases\": [{\"name\": \"n\", \"messages\": 3, \"expected\": \"\"}]}"));
        assertThrows(ModelLoadException.class, () -> cases("not json"));
    }
}
